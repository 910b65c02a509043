import { ConnectionAuthenticator, Identity } from '@duet/server/auth';
import { CallJournal, DeviceRingStore } from '@duet/server/signaling';
import { HISTORY_PATH, HistoryPage } from '@duet/shared/protocol';
import { Global, INestApplication, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './database/open-database';
import { DUET_DATABASE, DuetDatabase } from './database/schema';
import { HistoryPruner } from './history/history-pruner';
import { OrderedWrites } from './journal/ordered-writes';
import { SqlCallJournal } from './journal/sql-call-journal';
import { StorageModule } from './storage.module';
import { SqlDeviceRingStore } from './stores/sql-device-ring-store';
import { SqlPushSubscriptionStore } from './stores/sql-push-subscription-store';
import { SqlServerKeyStore } from './stores/sql-server-key-store';
import { PushSubscriptionStore, ServerKeyStore } from './stores/stores';

const NO_INVITE_SETTINGS = { secret: undefined, defaultTtlHours: 24, maxGuests: 0, joinsPerMinutePerAddress: 1 };

const DAY_MS = 24 * 60 * 60 * 1000;

/** Bearer <name> signs in as <name>: the guard's own logic is AccountGuard's spec, not this one. */
@Injectable()
class NamesAsTokens extends ConnectionAuthenticator {
  async authenticate(request: IncomingMessage): Promise<Identity | undefined> {
    const name = /^Bearer (\w+)$/.exec(request.headers.authorization ?? '')?.[1];
    return name === undefined ? undefined : { username: name };
  }
}

@Global()
@Module({ providers: [{ provide: ConnectionAuthenticator, useClass: NamesAsTokens }], exports: [ConnectionAuthenticator] })
class TestAuthModule {}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not in time`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe(StorageModule.name, () => {
  let dir: string;
  let app: INestApplication;
  let base: string;
  const get = (path: string, user?: string) => fetch(`${base}${path}`, { headers: user ? { Authorization: `Bearer ${user}` } : {} });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duet-storage-module-'));
    // Left by an earlier run: one call past the retention, one within it.
    const earlier = await openDatabase({ kind: 'sqlite', directory: dir });
    const writes = new OrderedWrites();
    new SqlCallJournal(earlier, writes).busy('olga', 'bob', Date.now() - 40 * DAY_MS);
    new SqlCallJournal(earlier, writes).busy('olga', 'carl', Date.now() - 20 * DAY_MS);
    await writes.close();
    await earlier.destroy();

    app = await NestFactory.create(
      { module: class TestApp {}, imports: [TestAuthModule, StorageModule.forRoot({ database: { kind: 'sqlite', directory: dir }, historyDays: 30, push: { vapid: undefined, subject: undefined, endpointHosts: [] }, invites: NO_INVITE_SETTINGS })] },
      { logger: ['error'] },
    );
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('binds every store to its abstract token, for the other modules to inject', () => {
    expect(app.get(PushSubscriptionStore)).toBeInstanceOf(SqlPushSubscriptionStore);
    expect(app.get(ServerKeyStore)).toBeInstanceOf(SqlServerKeyStore);
    expect(app.get(DeviceRingStore)).toBeInstanceOf(SqlDeviceRingStore);
    expect(app.get(CallJournal)).toBeInstanceOf(SqlCallJournal);
  });

  it('prunes history past HISTORY_DAYS at start-up', async () => {
    await until(async () => ((await (await get(HISTORY_PATH, 'olga')).json()) as HistoryPage).calls.length === 1, 'the old call pruned');
    const page = (await (await get(HISTORY_PATH, 'olga')).json()) as HistoryPage;
    expect(page.calls.map((call) => call.peer)).toEqual(['carl']);
  });

  it('answers /api/history only to a signed-in user', async () => {
    const response = await get(HISTORY_PATH);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ message: expect.stringContaining('Authorization: Bearer') });
  });

  it('pages the caller’s own history, newest first, with a next cursor', async () => {
    const journal = app.get(CallJournal);
    const now = Date.now();
    journal.ringing({ callId: 'call-1', caller: 'alice', callee: 'bob', onDevices: false }, now - 2_000);
    journal.ended('call-1', 'timeout', now - 1_000);
    journal.busy('bob', 'alice', now - 500);
    await app.get(OrderedWrites).flush();

    const first = await get(`${HISTORY_PATH}?limit=1`, 'alice');
    expect(first.status).toBe(200);
    const page = (await first.json()) as HistoryPage;
    expect(page.calls).toEqual([expect.objectContaining({ peer: 'bob', direction: 'incoming', outcome: 'busy', durationMs: 0 })]);
    expect(page.next).toEqual(expect.any(String));
    const second = (await (await get(`${HISTORY_PATH}?limit=1&before=${page.next}`, 'alice')).json()) as HistoryPage;
    expect(second).toEqual({ calls: [expect.objectContaining({ callId: 'call-1', peer: 'bob', direction: 'outgoing', outcome: 'missed' })] });
  });

  it.each([
    ['limit=0', 'limit must be a whole number from 1 to 100 (default 50)'],
    ['limit=abc', 'limit must be a whole number from 1 to 100 (default 50)'],
    ['before=not-a-cursor!', "before must be the 'next' value of a previous history page"],
  ])('refuses ?%s with 400 and a message that says why', async (query, message) => {
    const response = await get(`${HISTORY_PATH}?${query}`, 'alice');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ statusCode: 400, message });
  });

  it('clears the caller’s history with DELETE (204), leaving the other party’s', async () => {
    const response = await fetch(`${base}${HISTORY_PATH}`, { method: 'DELETE', headers: { Authorization: 'Bearer alice' } });
    expect(response.status).toBe(204);
    expect(await (await get(HISTORY_PATH, 'alice')).json()).toEqual({ calls: [] });
    expect(((await (await get(HISTORY_PATH, 'bob')).json()) as HistoryPage).calls).toHaveLength(2);
  });

  it('closes the database and stops the daily prune on shutdown', async () => {
    const db = app.get<DuetDatabase>(DUET_DATABASE);
    const pruner = app.get(HistoryPruner);
    const stop = jest.spyOn(pruner, 'stop');
    await app.close();
    expect(stop).toHaveBeenCalled();
    await expect(db.selectFrom('call_records').selectAll().execute()).rejects.toThrow();
  });
});

describe(`${StorageModule.name} start-up`, () => {
  it('stops the start with a message that says what is wrong with DATA_DIR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duet-storage-module-'));
    try {
      writeFileSync(join(dir, 'file'), '');
      const accounts = { database: { kind: 'sqlite' as const, directory: join(dir, 'file') }, historyDays: 30, push: { vapid: undefined, subject: undefined, endpointHosts: [] }, invites: NO_INVITE_SETTINGS };
      await expect(NestFactory.createApplicationContext(StorageModule.forRoot(accounts), { logger: false, abortOnError: false })).rejects.toThrow(/^Invalid DATA_DIR: .*file is not a directory Duet can write to/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
