import { DeviceRing } from '@duet/server/signaling';
import { openDatabase } from '../database/open-database';
import { DuetDatabase } from '../database/schema';
import { testDatabaseServers } from '../../testing/test-databases';
import { SqlDeviceRingStore } from './sql-device-ring-store';
import { SqlInviteStore } from './sql-invite-store';
import { SqlPushSubscriptionStore } from './sql-push-subscription-store';
import { SqlServerKeyStore } from './sql-server-key-store';

/** The same cases against both databases Duet runs on: real SQLite in a temporary directory, real PostgreSQL. */
describe.each(testDatabaseServers())('SQL stores on %s', (_, server) => {
  let db: DuetDatabase;
  let names = 0;
  /** A user of this test alone, so cases never see each other's rows. */
  const user = (name: string) => `${name}${++names}`;

  beforeAll(async () => {
    await server.start();
    db = await openDatabase(await server.fresh());
  });
  afterAll(async () => {
    await db?.destroy();
    await server.stop();
  });

  describe('SqlPushSubscriptionStore', () => {
    let store: SqlPushSubscriptionStore;
    beforeAll(() => (store = new SqlPushSubscriptionStore(db, () => 1_000)));
    const subscription = (endpoint: string, p256dh = 'key', auth = 'secret') => ({ endpoint: `https://push.example/${endpoint}`, p256dh, auth });

    it('keeps a subscription, and renewing its endpoint replaces the keys without counting it twice', async () => {
      const alice = user('Alice');
      expect(await store.add(alice, subscription(`${alice}-1`), 10)).toBe('added');
      expect(await store.add(alice.toLowerCase(), subscription(`${alice}-1`, 'key2', 'secret2'), 10)).toBe('renewed');
      expect(await store.list(alice.toUpperCase())).toEqual([
        { username: alice.toLowerCase(), endpoint: `https://push.example/${alice}-1`, p256dh: 'key2', auth: 'secret2', createdAt: 1_000 },
      ]);
      expect(await store.any(alice)).toBe(true);
      expect(await store.any(user('nobody'))).toBe(false);
    });

    it('refuses a new endpoint at the cap, yet renews one already held', async () => {
      const alice = user('alice');
      for (const n of [1, 2, 3]) expect(await store.add(alice, subscription(`${alice}-${n}`), 3)).toBe('added');
      expect(await store.add(alice, subscription(`${alice}-4`), 3)).toBe('full');
      expect(await store.add(alice, subscription(`${alice}-2`, 'fresh'), 3)).toBe('renewed');
      expect((await store.list(alice)).map((kept) => kept.endpoint)).toEqual([1, 2, 3].map((n) => `https://push.example/${alice}-${n}`));
    });

    it('keeps the cap when one user adds many at once', async () => {
      const alice = user('alice');
      const results = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => store.add(alice, subscription(`${alice}-${n}`), 3)));
      expect(results.filter((result) => result === 'added')).toHaveLength(3);
      expect(results.filter((result) => result === 'full')).toHaveLength(3);
      expect(await store.list(alice)).toHaveLength(3);
    });

    it('moves an endpoint to whoever subscribes it next, within their cap', async () => {
      const [alice, bob] = [user('alice'), user('bob')];
      await store.add(alice, subscription(`${alice}-shared`), 10);
      expect(await store.add(bob, subscription(`${alice}-shared`), 10)).toBe('renewed');
      expect(await store.any(alice)).toBe(false);
      expect((await store.list(bob)).map((kept) => kept.username)).toEqual([bob]);
    });

    it('removes only the owner’s endpoint, and forgets a gone endpoint whoever held it', async () => {
      const [alice, bob] = [user('alice'), user('bob')];
      await store.add(alice, subscription(`${alice}-1`), 10);
      await store.add(alice, subscription(`${alice}-2`), 10);
      expect(await store.remove(bob, `https://push.example/${alice}-1`)).toBe(false);
      expect(await store.remove(alice, `https://push.example/${alice}-1`)).toBe(true);
      expect(await store.remove(alice, `https://push.example/${alice}-1`)).toBe(false);
      await store.forget(`https://push.example/${alice}-2`);
      expect(await store.any(alice)).toBe(false);
    });
  });

  describe('SqlServerKeyStore', () => {
    it('agrees on one value when many ask at once, and keeps it', async () => {
      const store = new SqlServerKeyStore(db);
      const values = await Promise.all(Array.from({ length: 8 }, (_, n) => store.getOrCreate('vapid', () => `value-${n}`)));
      expect(new Set(values).size).toBe(1);
      const create = jest.fn(() => 'another');
      expect(await new SqlServerKeyStore(db).getOrCreate('vapid', create)).toBe(values[0]);
      expect(create).not.toHaveBeenCalled();
    });
  });

  describe('SqlDeviceRingStore', () => {
    let now = 1_000_000;
    let store: SqlDeviceRingStore;
    beforeAll(() => (store = new SqlDeviceRingStore(db, () => now)));
    const ring = (caller: string, callee: string, overrides: Partial<DeviceRing> = {}): DeviceRing => ({
      callId: `call-${++names}`,
      caller,
      callee,
      offer: { type: 'offer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' },
      capabilityHash: 'a'.repeat(64),
      expiresAt: now + 30_000,
      ...overrides,
    });

    it('gives a ring to exactly one of two takes racing for it', async () => {
      const waiting = ring(user('alice'), user('bob'));
      await store.add(waiting);
      const taken = await Promise.all([store.take(waiting.callId), store.take(waiting.callId)]);
      expect(taken.filter((one) => one !== undefined)).toEqual([waiting]);
    });

    it('takes nothing with another capability, and the ring with its own', async () => {
      const waiting = ring(user('alice'), user('bob'));
      await store.add(waiting);
      expect(await store.take(waiting.callId, 'b'.repeat(64))).toBeUndefined();
      expect(await store.take('no-such-call', waiting.capabilityHash)).toBeUndefined();
      expect(await store.take(waiting.callId, waiting.capabilityHash)).toEqual(waiting);
      expect(await store.take(waiting.callId, waiting.capabilityHash)).toBeUndefined();
    });

    it('never returns an expired ring, however it is asked for', async () => {
      const [alice, bob] = [user('alice'), user('bob')];
      const waiting = ring(alice, bob, { expiresAt: now + 10 });
      await store.add(waiting);
      expect(await store.isRinging(alice)).toBe(true);
      now += 10;
      expect(await store.isRinging(alice)).toBe(false);
      expect(await store.takeForCallee(bob)).toBeUndefined();
      expect(await store.take(waiting.callId)).toBeUndefined();
    });

    it('gives a callee’s app their oldest live ring, matching names regardless of case', async () => {
      const [alice, carol, bob] = [user('alice'), user('carol'), user('Bob')];
      const first = ring(alice, bob, { expiresAt: now + 20_000 });
      const second = ring(carol, bob, { expiresAt: now + 30_000 });
      await store.add(second);
      await store.add(first);
      expect(await store.isRinging(alice.toUpperCase())).toBe(true);
      expect(await store.takeForCallee(bob.toLowerCase())).toEqual(first);
      expect(await store.isRinging(alice)).toBe(false);
      expect(await store.takeForCallee(bob)).toEqual(second);
      expect(await store.takeForCallee(bob)).toBeUndefined();
    });

    it('gives each of two racing sign-ins a different ring', async () => {
      const bob = user('bob');
      const rings = [ring(user('alice'), bob), ring(user('carol'), bob)];
      for (const waiting of rings) await store.add(waiting);
      const taken = await Promise.all([store.takeForCallee(bob), store.takeForCallee(bob)]);
      expect(taken.map((one) => one?.callId).sort()).toEqual(rings.map((one) => one.callId).sort());
    });
  });
  describe('SqlInviteStore', () => {
    let now = 5_000_000;
    let store: SqlInviteStore;
    beforeAll(() => (store = new SqlInviteStore(db, () => now)));
    const invite = (inviter: string, createdAt = now, ttl = 60_000) => ({ id: `invite-${++names}`, inviter, createdAt, expiresAt: createdAt + ttl });

    it('lists a member’s live invites newest first, matching names regardless of case, and tells their status', async () => {
      const alice = user('Alice');
      const older = invite(alice, now - 10);
      const newer = invite(alice);
      await store.create(older);
      await store.create(newer);
      await store.create(invite(user('bob')));
      expect(await store.listActive(alice.toLowerCase())).toEqual([newer, older]);
      expect(await store.status(newer.id)).toBe('active');
      expect(await store.status('no-such-invite')).toBe('unknown');
    });

    it('revokes only the inviter’s own active invite, once', async () => {
      const [alice, bob] = [user('alice'), user('bob')];
      const link = invite(alice);
      await store.create(link);
      expect(await store.revoke(link.id, bob)).toBe(false);
      expect(await store.status(link.id)).toBe('active');
      expect(await store.revoke(link.id, alice.toUpperCase())).toBe(true);
      expect(await store.revoke(link.id, alice)).toBe(false);
      expect(await store.revoke('no-such-invite', alice)).toBe(false);
      expect(await store.status(link.id)).toBe('revoked');
      expect(await store.listActive(alice)).toEqual([]);
    });

    it('forgets an expired invite: not listed, unknown, not revocable, and pruned when the next one is made', async () => {
      const alice = user('alice');
      const short = invite(alice, now, 10);
      await store.create(short);
      now += 10;
      expect(await store.listActive(alice)).toEqual([]);
      expect(await store.status(short.id)).toBe('unknown');
      expect(await store.revoke(short.id, alice)).toBe(false);
      await store.create(invite(alice));
      expect(await db.selectFrom('invites').select('id').where('id', '=', short.id).executeTakeFirst()).toBeUndefined();
      expect(await store.prune()).toBe(0);
    });
  });
});
