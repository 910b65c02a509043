import { freePort } from '@duet/testing/processes';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabaseServers } from '../../testing/test-databases';
import { SqlPushSubscriptionStore } from '../stores/sql-push-subscription-store';
import { SqlServerKeyStore } from '../stores/sql-server-key-store';
import { CallHistory } from '../history/call-history';
import { OrderedWrites } from '../journal/ordered-writes';
import { SqlCallJournal } from '../journal/sql-call-journal';
import { migrate, openDatabase } from './open-database';
import { MIGRATION_TABLE } from './migrations';

describe.each(testDatabaseServers())('openDatabase on %s', (_, server) => {
  beforeAll(() => server.start());
  afterAll(() => server.stop());

  it('keeps subscriptions, history and keys when the database is closed and opened again, migrating once', async () => {
    const config = await server.fresh();
    const first = await openDatabase(config);
    const writes = new OrderedWrites();
    await new SqlPushSubscriptionStore(first).add('alice', { endpoint: 'https://push.example/1', p256dh: 'key', auth: 'secret' }, 10);
    await new SqlServerKeyStore(first).getOrCreate('vapid', () => 'kept');
    new SqlCallJournal(first, writes).busy('alice', 'bob', 1_000);
    await writes.close();
    await first.destroy();

    const again = await openDatabase(config);
    try {
      await migrate(again);
      expect((await new SqlPushSubscriptionStore(again).list('alice')).map((kept) => kept.endpoint)).toEqual(['https://push.example/1']);
      expect(await new SqlServerKeyStore(again).getOrCreate('vapid', () => 'new')).toBe('kept');
      expect((await new CallHistory(again).page('bob', { limit: 10 })).calls.map((call) => [call.peer, call.outcome])).toEqual([['alice', 'busy']]);
      // Kysely's bookkeeping table is not in DuetTables: typed for this one read.
      const migrations = await again.withTables<Record<typeof MIGRATION_TABLE, { name: string }>>().selectFrom(MIGRATION_TABLE).select('name').execute();
      expect(migrations).toEqual([{ name: '0001-accounts' }, { name: '0002-invites' }]);
    } finally {
      await again.destroy();
    }
  });
});

describe('openDatabase failures', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'duet-storage-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says plainly that DATA_DIR cannot be used', async () => {
    writeFileSync(join(dir, 'a-file'), '');
    await expect(openDatabase({ kind: 'sqlite', directory: join(dir, 'a-file', 'data') })).rejects.toThrow(
      new RegExp(`^Invalid DATA_DIR: ${join(dir, 'a-file', 'data')} is not a directory Duet can write to \\(.*ENOTDIR`),
    );
  });

  it('says which PostgreSQL it cannot reach, without the password', async () => {
    const port = await freePort();
    const failure = openDatabase({ kind: 'postgres', url: `postgres://duet:s3cret-pw@127.0.0.1:${port}/duet` });
    await expect(failure).rejects.toThrow(`Cannot open the PostgreSQL database postgres://duet:***@127.0.0.1:${port}/duet: connect ECONNREFUSED 127.0.0.1:${port}`);
    await expect(failure).rejects.not.toThrow(/s3cret-pw/);
  });
});
