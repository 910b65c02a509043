import { TcpProxy } from '@duet/testing/processes';
import { CALL_ID, callUp, candidate, completeCall, OFFER } from './support/call-flow';
import { ClientPool } from './support/client-pool';
import { Cluster, Instance, readiness, startCluster, waitUntilReady } from './support/cluster';
import { uniqueName } from './support/names';
import { TestClient } from './support/test-client';

const HEARTBEAT_MS = 1_000;

/** What reached `client` after its login, presence aside: the types, in order. */
function callTypes(client: TestClient): string[] {
  return client.callMessages().map((message) => message['type']).filter((type) => type !== 'login');
}

/** One candidate from `from` reaches `to` in call `callId`. */
async function trickle(from: TestClient, fromName: string, to: TestClient, toName: string, callId: string, n: number): Promise<void> {
  from.send({ type: 'candidate', candidate: candidate(n), otherUsername: toName, callId });
  expect(await to.next('candidate')).toEqual({ type: 'candidate', candidate: candidate(n), username: fromName, callId });
}

describe('a cluster of three instances on one Redis', () => {
  let cluster: Cluster;
  let instances: Instance[];
  const pools: ClientPool[] = [];
  const on = (index: number) => {
    const pool = new ClientPool(() => instances[index].wsUrl);
    pools.push(pool);
    return pool;
  };

  beforeAll(async () => {
    cluster = await startCluster(3, { HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS), RESUME_WINDOW_MS: '5000' });
    instances = cluster.instances;
  }, 120_000);
  afterEach(() => pools.splice(0).forEach((pool) => pool.closeAll()));
  afterAll(async () => {
    await cluster?.stop();
  });

  it('completes calls with trickled candidates between users on different instances, and within one', async () => {
    const [a, aName] = await on(0).login('alice');
    const [b, bName] = await on(1).login('bob');
    const [c, cName] = await on(2).login('carol');
    const [d, dName] = await on(2).login('dave');
    await completeCall(a, aName, b, bName);
    await completeCall(c, cName, a, aName);
    await completeCall(c, cName, d, dName);
    expect(await Promise.all(instances.map(readiness))).toEqual([200, 200, 200]);
  });

  it('answers across instances as one instance would: offline, busy, not in call, declined', async () => {
    const [a, aName] = await on(0).login('alice');
    const [b, bName] = await on(1).login('bob');
    const [c] = await on(2).login('carol');
    a.send({ type: 'offer', offer: OFFER, otherUsername: 'nobody-here' });
    expect(await a.next('error')).toMatchObject({ code: 'user-offline', replyTo: 'offer' });
    a.send({ type: 'offer', offer: OFFER, otherUsername: bName });
    const { callId } = await a.next('ringing');
    await b.next('offer');
    c.send({ type: 'offer', offer: OFFER, otherUsername: bName });
    expect(await c.next('decline')).toEqual({ type: 'decline', username: bName, reason: 'busy' });
    c.send({ type: 'candidate', candidate: candidate(1), otherUsername: aName });
    expect(await c.next('error')).toMatchObject({ code: 'not-in-call', replyTo: 'candidate' });
    b.send({ type: 'decline', otherUsername: aName, callId });
    expect(await a.next('decline')).toEqual({ type: 'decline', username: bName, reason: 'declined', callId });
    expect(callTypes(a)).toEqual(['error', 'ringing', 'decline']);
    expect(callTypes(b)).toEqual(['offer']);
    expect(callTypes(c)).toEqual(['decline', 'error']);
    expect(callId).toEqual(CALL_ID);
  });

  it('gives a name to exactly one of 20 simultaneous logins spread over the instances', async () => {
    const name = uniqueName('contested');
    const clients = await Promise.all(Array.from({ length: 20 }, (_, n) => TestClient.connect(instances[n % 3].wsUrl)));
    clients.forEach((client) => on(0).track(client));
    clients.forEach((client, n) => client.send({ type: 'login', username: n % 2 ? name.toUpperCase() : name }));
    const replies = await Promise.all(clients.map((client) => client.next('login')));
    expect(replies.filter((reply) => reply['success'] === true)).toHaveLength(1);
    expect(replies.filter((reply) => reply['success'] === false).map((reply) => reply['reason'])).toEqual(Array(19).fill('taken'));
  });

  it('lists, announces and finds everyone online, whichever instance they are on', async () => {
    const [watcher] = await on(1).login('watcher');
    const names: string[] = [];
    for (const index of [0, 1, 2, 0]) {
      const [, name] = await on(index).login('dir');
      names.push(name);
      expect(await watcher.nextWhere((message) => message['type'] === 'presence' && message['username'] === name, `presence of ${name}`)).toEqual({
        type: 'presence',
        username: name,
        online: true,
      });
    }
    const late = on(2).track(await TestClient.connect(instances[2].wsUrl));
    late.send({ type: 'login', username: uniqueName('late') });
    await late.next('login');
    expect((await late.next('users'))['users']).toEqual(expect.arrayContaining(names));
    for (const instance of [0, 1, 2]) {
      const [searcher] = await on(instance).login('searcher');
      searcher.send({ type: 'search', prefix: 'DIR-' });
      const found = await searcher.next('search');
      expect(found).toEqual({ type: 'search', prefix: 'DIR-', users: [...names].sort(), more: false });
    }
  });

  it('resumes a dropped session through another instance: kept messages in order, the partner told, the call goes on', async () => {
    const [a, aName] = await on(0).login('alice');
    const bName = uniqueName('bob');
    const b = on(1).track(await TestClient.connect(instances[1].wsUrl));
    b.send({ type: 'login', username: bName, resume: true });
    const { resumeToken } = await b.next('login');
    const callId = await callUp(a, aName, b, bName);

    b.terminate();
    expect(await a.next('reconnecting')).toEqual({ type: 'reconnecting', username: bName, callId });
    for (const n of [1, 2, 3]) a.send({ type: 'candidate', candidate: candidate(n), otherUsername: bName, callId });
    await a.sync();

    // The load balancer sends the new socket to another instance.
    const bAgain = on(2).track(await TestClient.connect(instances[2].wsUrl));
    bAgain.send({ type: 'login', username: bName, resumeToken });
    expect(await bAgain.next('login')).toMatchObject({ success: true, resumed: true, call: { callId, otherUsername: aName, state: 'active' } });
    expect(await a.next('reconnected')).toEqual({ type: 'reconnected', username: bName, callId });
    // Sent while the route switches: they arrive after the kept ones, all in order.
    for (const n of [4, 5, 6, 7, 8]) a.send({ type: 'candidate', candidate: candidate(n), otherUsername: bName, callId });
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) {
      expect(await bAgain.next('candidate')).toEqual({ type: 'candidate', candidate: candidate(n), username: aName, callId });
    }
    await trickle(bAgain, bName, a, aName, callId, 9);
    expect(a.callMessages().filter((message) => (message['type'] === 'error' && message['replyTo'] !== 'sync-probe') || message['type'] === 'close')).toEqual([]);

    const thief = on(0).track(await TestClient.connect(instances[0].wsUrl));
    thief.send({ type: 'login', username: bName, resumeToken });
    expect(await thief.next('login')).toMatchObject({ success: false, reason: 'taken' });
    bAgain.send({ type: 'close', otherUsername: aName, callId });
    expect(await a.next('close')).toEqual({ type: 'close', username: bName, reason: 'hangup', callId });
  });

  it('tells the partner within two heartbeats when an instance is killed mid-call, and restores the call when its user logs in elsewhere', async () => {
    const [a, aName] = await on(0).login('alice');
    const [b, bName] = await on(2).login('bob');
    const callId = await callUp(a, aName, b, bName);
    await trickle(a, aName, b, bName, callId, 1);

    const killedAt = Date.now();
    instances[2].child.kill('SIGKILL');
    // Lease 1.5 heartbeats, swept within a quarter more; a second of slack for a shared machine.
    expect(await a.next('reconnecting', 2 * HEARTBEAT_MS + 1_000)).toEqual({ type: 'reconnecting', username: bName, callId });
    const toldAfter = Date.now() - killedAt;
    expect(toldAfter).toBeLessThan(2 * HEARTBEAT_MS + 1_000);
    await readiness(instances[0]).then((status) => expect(status).toBe(200));

    // bob's app reconnects through the load balancer to another instance and claims its call.
    const bobAgain = on(1).track(await TestClient.connect(instances[1].wsUrl));
    bobAgain.send({ type: 'login', username: bName, call: { callId, otherUsername: aName } });
    expect(await bobAgain.next('login')).toMatchObject({ success: true, username: bName });
    expect(await bobAgain.next('reconnected')).toEqual({ type: 'reconnected', username: aName, callId });
    expect(await a.next('reconnected')).toEqual({ type: 'reconnected', username: bName, callId });
    await trickle(a, aName, bobAgain, bName, callId, 2);
    await trickle(bobAgain, bName, a, aName, callId, 3);
    expect(a.callMessages().filter((message) => message['type'] === 'close')).toEqual([]);
  });
});

describe('the ring timeout in a cluster', () => {
  let cluster: Cluster;
  const pool = new ClientPool(() => cluster.instances[1].wsUrl);
  const RING_MS = 800;

  // A lease (3 s) well past the ring timeout: the timeout, not the sweep, ends the call.
  beforeAll(async () => {
    cluster = await startCluster(3, { HEARTBEAT_INTERVAL_MS: '2000', RING_TIMEOUT_MS: String(RING_MS) });
  }, 120_000);
  afterAll(async () => {
    pool.closeAll();
    await cluster?.stop();
  });

  it('fires once for the cluster when the instance that armed it is killed', async () => {
    const callerName = uniqueName('caller');
    const caller = pool.track(await TestClient.loggedIn(cluster.instances[0].wsUrl, callerName));
    const [callee, calleeName] = await pool.login('callee');
    caller.send({ type: 'offer', offer: OFFER, otherUsername: calleeName });
    const { callId } = await caller.next('ringing');
    await callee.next('offer');
    cluster.instances[0].child.kill('SIGKILL');

    expect(await callee.next('close', RING_MS + 3_000)).toEqual({ type: 'close', username: callerName, reason: 'timeout', callId });
    // The dead instance's users are swept later (the caller goes offline); by then any second
    // firing would have happened.
    await callee.nextWhere((message) => message['type'] === 'presence' && message['username'] === callerName, 'the caller leaving', 8_000);
    expect(callTypes(callee)).toEqual(['offer', 'close']);
  });
});

describe('Redis restarting under a cluster', () => {
  let cluster: Cluster;
  const pools = [0, 1].map((index) => new ClientPool(() => cluster.instances[index].wsUrl));

  beforeAll(async () => {
    cluster = await startCluster(2, { HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS), RESUME_WINDOW_MS: '5000' });
  }, 120_000);
  afterAll(async () => {
    pools.forEach((pool) => pool.closeAll());
    await cluster?.stop();
  });

  it('crashes no instance: not ready and refusing logins while it is down, relaying within an instance, and calls work again once it is back', async () => {
    const [a, aName] = await pools[0].login('alice');
    const [b, bName] = await pools[1].login('bob');
    const [c, cName] = await pools[0].login('carol');
    const [d, dName] = await pools[0].login('dave');
    const across = await callUp(a, aName, b, bName);
    const within = await callUp(c, cName, d, dName);

    await cluster.redis.stop('SIGKILL');
    await Promise.all(cluster.instances.map((instance) => waitUntilReady(instance, 503)));
    const newcomer = pools[0].track(await TestClient.connect(cluster.instances[0].wsUrl));
    newcomer.send({ type: 'login', username: uniqueName('newcomer') });
    expect(await newcomer.next('login')).toMatchObject({ success: false, reason: 'unavailable' });
    await trickle(c, cName, d, dName, within, 1);
    a.send({ type: 'candidate', candidate: candidate(2), otherUsername: bName, callId: across });
    expect(await a.next('error')).toMatchObject({ code: 'unavailable', replyTo: 'candidate' });

    // Back, empty: each instance gives its users their names back and both calls are claimed again.
    await cluster.redis.start();
    await Promise.all(cluster.instances.map((instance) => waitUntilReady(instance, 200)));
    for (const [client, peer, callId] of [[a, bName, across], [b, aName, across], [c, dName, within], [d, cName, within]] as const) {
      expect(await client.next('reconnected', 5_000)).toEqual({ type: 'reconnected', username: peer, callId });
    }
    await trickle(a, aName, b, bName, across, 3);
    await trickle(b, bName, a, aName, across, 4);
    await trickle(d, dName, c, cName, within, 5);

    const newName = uniqueName('newcomer');
    newcomer.send({ type: 'login', username: newName });
    expect(await newcomer.next('login')).toMatchObject({ success: true });
    await newcomer.next('users');
    const [e, eName] = await pools[1].login('erin');
    await completeCall(newcomer, newName, e, eName);
    expect(cluster.instances.map((instance) => instance.child.exitCode)).toEqual([null, null]);
  });
});

describe('an instance split from Redis', () => {
  let cluster: Cluster;
  let proxy: TcpProxy | undefined;
  const pools = [0, 1].map((index) => new ClientPool(() => cluster.instances[index].wsUrl));

  // Instance 0 reaches Redis through a proxy the test cuts; instance 1 directly.
  beforeAll(async () => {
    cluster = await startCluster(2, { HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS), RESUME_WINDOW_MS: '3000' }, async (redis, index) => {
      if (index === 1) return redis.url;
      proxy = await TcpProxy.start(redis.port);
      return `redis://127.0.0.1:${proxy.port}`;
    });
  }, 120_000);
  afterAll(async () => {
    pools.forEach((pool) => pool.closeAll());
    await cluster?.stop();
    await proxy?.close();
  });

  it('never leaves two live holders of a name: the cut-off instance gives up a name taken meanwhile and keeps the others', async () => {
    const [kept, keptName] = await pools[0].login('kept');
    const [lost, lostName] = await pools[0].login('lost');
    const [peer, peerName] = await pools[1].login('peer');
    const callId = await callUp(peer, peerName, kept, keptName);

    proxy?.block();
    await waitUntilReady(cluster.instances[0], 503);
    const refused = pools[0].track(await TestClient.connect(cluster.instances[0].wsUrl));
    refused.send({ type: 'login', username: uniqueName('refused') });
    expect(await refused.next('login')).toMatchObject({ success: false, reason: 'unavailable' });
    // The other instance sweeps the silent one: its users' names are free, their partners told.
    expect(await peer.next('reconnecting', 2 * HEARTBEAT_MS + 1_000)).toEqual({ type: 'reconnecting', username: keptName, callId });
    const thief = pools[1].track(await TestClient.loggedIn(cluster.instances[1].wsUrl, lostName));

    proxy?.unblock();
    // Back: the name someone else holds now is given up (its session closed), the others reclaimed.
    expect(await lost.closed).toEqual({ code: 4409, reason: 'your name was taken while this server was cut off; log in again' });
    await waitUntilReady(cluster.instances[0], 200);
    expect(await peer.next('reconnected', 5_000)).toEqual({ type: 'reconnected', username: keptName, callId });
    expect(await kept.next('reconnected', 5_000)).toEqual({ type: 'reconnected', username: peerName, callId });
    await trickle(peer, peerName, kept, keptName, callId, 1);
    await trickle(kept, keptName, peer, peerName, callId, 2);
    expect(thief.isOpen).toBe(true);
    const [caller, callerName] = await pools[0].login('caller');
    await completeCall(caller, callerName, thief, lostName);
  });
});
