import { PushEndpoint, startPushEndpoint } from '@duet/testing/processes';
import { AccountsServer } from './support/accounts';
import { OFFER } from './support/call-flow';
import { ClientPool } from './support/client-pool';
import { Cluster, startCluster, waitUntilReady } from './support/cluster';
import { uniqueName } from './support/names';
import { requireBuiltServer } from './support/server-process';
import { startTestServer, TestServer } from './support/test-server';
import { Received } from './support/test-client';

const presenceOf = (username: string) => (message: Received) => message['type'] === 'presence' && message['username'] === username && 'availability' in message;

/**
 * Availability (issue 25): a member says available, busy or do not disturb; the others see it in
 * presence and in the list and search answers; a call to someone on do-not-disturb is declined
 * for them (reason `dnd`) without reaching them, and their history shows it as missed.
 */
describe('availability', () => {
  describe('on one server', () => {
    let server: TestServer;
    const pool = new ClientPool(() => server.wsUrl);
    beforeAll(async () => {
      server = await startTestServer();
    });
    afterEach(() => pool.closeAll());
    afterAll(async () => {
      await server?.close();
    });

    it('is acknowledged, pushed to the others, and carried by the list and search answers', async () => {
      const [alice, aliceName] = await pool.login('alice');
      const [bob, bobName] = await pool.login('bob');
      bob.send({ type: 'availability', availability: 'busy' });
      expect(await bob.next('availability')).toEqual({ type: 'availability', availability: 'busy' });
      expect(await alice.nextWhere(presenceOf(bobName), 'bob busy')).toEqual({ type: 'presence', username: bobName, online: true, availability: 'busy' });
      alice.send({ type: 'availability', availability: 'dnd' });
      await alice.next('availability');
      await bob.nextWhere(presenceOf(aliceName), 'alice on dnd');

      const [carol] = await pool.login('carol');
      const statuses = carol.log.find((message) => message['type'] === 'users')?.['statuses'];
      expect(statuses).toEqual(expect.arrayContaining([{ username: aliceName, availability: 'dnd' }, { username: bobName, availability: 'busy' }]));
      carol.send({ type: 'search', prefix: bobName });
      expect(await carol.next('search')).toEqual({ type: 'search', prefix: bobName, users: [bobName], more: false, statuses: [{ username: bobName, availability: 'busy' }] });
      bob.send({ type: 'availability', availability: 'available' });
      expect(await carol.nextWhere(presenceOf(bobName), 'bob available')).toMatchObject({ availability: 'available' });
      carol.send({ type: 'search', prefix: bobName });
      expect(await carol.next('search')).not.toHaveProperty('statuses');
      // Nobody is told what they said themselves.
      expect(bob.log.filter(presenceOf(bobName))).toEqual([]);
    });

    it('declines a call to a callee on do-not-disturb with reason dnd, and the callee gets nothing', async () => {
      const [alice] = await pool.login('alice');
      const [bob, bobName] = await pool.login('Bob');
      bob.send({ type: 'availability', availability: 'dnd' });
      await bob.next('availability');
      alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName.toLowerCase() });
      expect(await alice.next('decline')).toEqual({ type: 'decline', username: bobName, reason: 'dnd' });
      await bob.sync();
      expect(bob.log.map((message) => message['type'])).not.toContain('offer');
      // Once do-not-disturb is over, calls ring again.
      bob.send({ type: 'availability', availability: 'available' });
      await bob.next('availability');
      alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
      await alice.next('ringing');
      expect(await bob.next('offer')).toMatchObject({ username: expect.any(String) });
    });

    it('refuses a value it does not know, and the socket stays open', async () => {
      const [alice] = await pool.login('alice');
      alice.send({ type: 'availability', availability: 'away' });
      expect(await alice.next('error')).toMatchObject({ type: 'error', code: 'invalid-message', replyTo: 'availability' });
      alice.send({ type: 'availability', availability: 'busy' });
      expect(await alice.next('availability')).toEqual({ type: 'availability', availability: 'busy' });
      expect(alice.isOpen).toBe(true);
    });
  });

  describe('with accounts (AUTH_MODE=jwt)', () => {
    let push: PushEndpoint;
    let server: AccountsServer;
    beforeAll(async () => {
      requireBuiltServer();
      push = await startPushEndpoint();
      server = await AccountsServer.start({ push });
    });
    afterAll(async () => {
      await server?.close();
      await push?.close();
    });

    it("records the declined call as missed in the callee's history, and declined in the caller's", async () => {
      const [aliceName, bobName] = [uniqueName('alice'), uniqueName('bob')];
      const alice = await server.login(aliceName);
      const bob = await server.login(bobName);
      bob.send({ type: 'availability', availability: 'dnd' });
      await bob.next('availability');
      alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
      expect(await alice.next('decline')).toEqual({ type: 'decline', username: bobName, reason: 'dnd' });
      expect((await server.historyOf(bobName, 1)).calls).toEqual([expect.objectContaining({ peer: aliceName, direction: 'incoming', outcome: 'missed' })]);
      expect((await server.historyOf(aliceName, 1)).calls).toEqual([expect.objectContaining({ peer: bobName, direction: 'outgoing', outcome: 'declined' })]);
      await bob.sync();
      expect(bob.log.map((message) => message['type'])).not.toContain('offer');
    });
  });

  describe('in a cluster of two instances on one Redis', () => {
    let cluster: Cluster;
    const pools: ClientPool[] = [];
    const on = (index: number) => {
      const pool = new ClientPool(() => cluster.instances[index].wsUrl);
      pools.push(pool);
      return pool;
    };
    beforeAll(async () => {
      cluster = await startCluster(2, { HEARTBEAT_INTERVAL_MS: '1000' });
    }, 120_000);
    afterEach(() => pools.splice(0).forEach((pool) => pool.closeAll()));
    afterAll(async () => {
      await cluster?.stop();
    });

    it('shows availability set on one instance in the other instance’s list, presence and decisions', async () => {
      const [alice, aliceName] = await on(0).login('alice');
      const [bob] = await on(1).login('bob');
      alice.send({ type: 'availability', availability: 'dnd' });
      await alice.next('availability');
      expect(await bob.nextWhere(presenceOf(aliceName), 'alice on dnd')).toEqual({ type: 'presence', username: aliceName, online: true, availability: 'dnd' });
      const [carol] = await on(1).login('carol');
      expect(carol.log.find((message) => message['type'] === 'users')?.['statuses']).toEqual([{ username: aliceName, availability: 'dnd' }]);
      carol.send({ type: 'offer', offer: OFFER, otherUsername: aliceName });
      expect(await carol.next('decline')).toEqual({ type: 'decline', username: aliceName, reason: 'dnd' });
      await alice.sync();
      expect(alice.log.map((message) => message['type'])).not.toContain('offer');
    });

    it('gives availability back with the name when Redis comes back empty', async () => {
      const [alice, aliceName] = await on(0).login('alice');
      alice.send({ type: 'availability', availability: 'dnd' });
      await alice.next('availability');
      await cluster.redis.stop('SIGKILL');
      await Promise.all(cluster.instances.map((instance) => waitUntilReady(instance, 503)));
      await cluster.redis.start();
      await Promise.all(cluster.instances.map((instance) => waitUntilReady(instance, 200)));
      const [carol] = await on(1).login('carol');
      expect(carol.log.find((message) => message['type'] === 'users')?.['statuses']).toContainEqual({ username: aliceName, availability: 'dnd' });
      carol.send({ type: 'offer', offer: OFFER, otherUsername: aliceName });
      expect(await carol.next('decline')).toEqual({ type: 'decline', username: aliceName, reason: 'dnd' });
    });
  });
});
