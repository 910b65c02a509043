import { callUp, candidate, completeCall } from './support/call-flow';
import { ClientPool } from './support/client-pool';
import { Cluster, startCluster } from './support/cluster';
import { startTestServer, TestServer } from './support/test-server';
import { TestClient } from './support/test-client';

/**
 * Resume is an addition to the tutorial's protocol, so a client must ask for it. These tests run
 * with the default 30 s resume window: "at once" below means within the client's 3 s wait.
 */

/**
 * `dropper`, a tutorial client in a call with `peer`, loses its TCP connection (no close frame):
 * the peer hears the call ended at once, and the same name logs in again at once through `again`.
 */
async function dropsLikeTheTutorial(peer: TestClient, peerName: string, dropper: TestClient, dropperName: string, again: ClientPool, againUrl: string) {
  const callId = await callUp(peer, peerName, dropper, dropperName);
  const droppedAt = Date.now();
  dropper.terminate();
  expect(await peer.next('close')).toEqual({ type: 'close', username: dropperName, reason: 'disconnected', callId });
  expect(peer.log.some((message) => message['type'] === 'reconnecting')).toBe(false);
  const back = again.track(await TestClient.connect(againUrl));
  back.send({ type: 'login', username: dropperName });
  expect(await back.next('login')).toMatchObject({ success: true, username: dropperName, resumed: false });
  // Not a speed check: a held session would have kept the name for the whole 30 s resume window.
  expect(Date.now() - droppedAt).toBeLessThan(15_000);
  await back.next('users');
  // And it is a full user again: a new call works both ways.
  await completeCall(back, dropperName, peer, peerName);
}

describe('a client that does not opt in to resume, on one instance', () => {
  let server: TestServer;
  const pool = new ClientPool(() => server.wsUrl);
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(() => pool.closeAll());
  afterAll(async () => {
    await server?.close();
  });

  it('is freed at once after an abrupt drop: its name logs in again and its peer gets close at once', async () => {
    const [alice, aliceName] = await pool.login('alice');
    const [bob, bobName] = await pool.login('bob');
    await dropsLikeTheTutorial(alice, aliceName, bob, bobName, pool, server.wsUrl);
    expect(server.registry.inspect().calls).toEqual([]);
  });

  it('is told no resume token, and a client that opts in still is held and resumes', async () => {
    const [alice, aliceName] = await pool.login('alice');
    const bobName = `bob-${Date.now()}`;
    const bob = pool.track(await TestClient.connect(server.wsUrl));
    bob.send({ type: 'login', username: bobName, resume: true });
    const { resumeToken } = await bob.next('login');
    expect(alice.log.find((message) => message['type'] === 'login')).not.toHaveProperty('resumeToken');
    const callId = await callUp(alice, aliceName, bob, bobName);
    bob.terminate();
    expect(await alice.next('reconnecting')).toEqual({ type: 'reconnecting', username: bobName, callId });
    const squatter = pool.track(await TestClient.connect(server.wsUrl));
    squatter.send({ type: 'login', username: bobName });
    expect(await squatter.next('login')).toMatchObject({ success: false, reason: 'taken' });
    squatter.send({ type: 'login', username: bobName, resumeToken });
    expect(await squatter.next('login')).toMatchObject({ success: true, resumed: true, call: { callId, otherUsername: aliceName } });
    expect(await alice.next('reconnected')).toEqual({ type: 'reconnected', username: bobName, callId });
  });
});

describe('a client that does not opt in to resume, across two instances on Redis', () => {
  let cluster: Cluster;
  const pools = [0, 1].map((index) => new ClientPool(() => cluster.instances[index].wsUrl));

  beforeAll(async () => {
    cluster = await startCluster(2);
  }, 120_000);
  afterEach(() => pools.forEach((pool) => pool.closeAll()));
  afterAll(async () => {
    await cluster?.stop();
  });

  it('is freed at once after an abrupt drop: its peer on the other instance gets close, its name logs in again anywhere', async () => {
    const [alice, aliceName] = await pools[0].login('alice');
    const [bob, bobName] = await pools[1].login('bob');
    await dropsLikeTheTutorial(alice, aliceName, bob, bobName, pools[0], cluster.instances[0].wsUrl);
  });

  it('holds a client that opts in: its peer hears reconnecting, and it resumes through the other instance', async () => {
    const [alice, aliceName] = await pools[0].login('alice');
    const bobName = `bob-${Date.now()}`;
    const bob = pools[1].track(await TestClient.connect(cluster.instances[1].wsUrl));
    bob.send({ type: 'login', username: bobName, resume: true });
    const { resumeToken } = await bob.next('login');
    const callId = await callUp(alice, aliceName, bob, bobName);
    bob.terminate();
    expect(await alice.next('reconnecting')).toEqual({ type: 'reconnecting', username: bobName, callId });
    const squatter = pools[0].track(await TestClient.connect(cluster.instances[0].wsUrl));
    squatter.send({ type: 'login', username: bobName });
    expect(await squatter.next('login')).toMatchObject({ success: false, reason: 'taken' });
    squatter.send({ type: 'login', username: bobName, resumeToken });
    expect(await squatter.next('login')).toMatchObject({ success: true, resumed: true, call: { callId, otherUsername: aliceName } });
    expect(await alice.next('reconnected')).toEqual({ type: 'reconnected', username: bobName, callId });
    alice.send({ type: 'candidate', candidate: candidate(1), otherUsername: bobName, callId });
    expect(await squatter.next('candidate')).toEqual({ type: 'candidate', candidate: candidate(1), username: aliceName, callId });
  });
});
