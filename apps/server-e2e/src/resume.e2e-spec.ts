import { CALL_ID, callUp, candidate } from './support/call-flow';
import { uniqueName } from './support/names';
import { requireBuiltServer, startServerProcess } from './support/server-process';
import { Received, TestClient } from './support/test-client';
import { startTestServer, TestServer } from './support/test-server';

/** Logs in opted in to resume, as the web app does; the client and its resume token. */
async function loggedInWithToken(url: string, name: string): Promise<[TestClient, string]> {
  const client = await TestClient.connect(url);
  client.send({ type: 'login', username: name, resume: true });
  const reply = await client.next('login');
  await client.next('users');
  return [client, reply['resumeToken']];
}

describe('signaling resume', () => {
  let server: TestServer;
  const clients: TestClient[] = [];
  const track = (client: TestClient) => (clients.push(client), client);
  afterEach(async () => {
    clients.splice(0).forEach((client) => client.close());
    await server?.close();
  });

  it('keeps a call through a dropped socket: the peer hears reconnecting, missed messages arrive in order, the call goes on', async () => {
    server = await startTestServer();
    const [aliceName, bobName] = [uniqueName('alice'), uniqueName('bob')];
    const [alice] = await loggedInWithToken(server.wsUrl, aliceName);
    const [bob, token] = await loggedInWithToken(server.wsUrl, bobName);
    track(alice);
    const callId = await callUp(alice, aliceName, bob, bobName);

    bob.terminate();
    expect(await alice.next('reconnecting')).toEqual({ type: 'reconnecting', username: bobName, callId });
    for (const n of [1, 2, 3]) alice.send({ type: 'candidate', candidate: candidate(n), otherUsername: bobName, callId });
    await alice.sync();

    const bobAgain = track(await TestClient.connect(server.wsUrl));
    bobAgain.send({ type: 'login', username: bobName, resumeToken: token });
    expect(await bobAgain.next('login')).toMatchObject({
      success: true,
      username: bobName,
      resumed: true,
      call: { callId, otherUsername: aliceName, state: 'active' },
    });
    expect((await bobAgain.next('users'))['users']).toEqual(expect.arrayContaining([aliceName, bobName]));
    for (const n of [1, 2, 3]) {
      expect(await bobAgain.next()).toEqual({ type: 'candidate', candidate: candidate(n), username: aliceName, callId });
    }
    expect(await alice.next('reconnected')).toEqual({ type: 'reconnected', username: bobName, callId });

    bobAgain.send({ type: 'candidate', candidate: candidate(4), otherUsername: aliceName, callId });
    expect(await alice.next('candidate')).toEqual({ type: 'candidate', candidate: candidate(4), username: bobName, callId });
    alice.send({ type: 'close', otherUsername: bobName, callId });
    expect(await bobAgain.next('close')).toEqual({ type: 'close', username: aliceName, reason: 'hangup', callId });
    expect(server.registry.inspect().calls).toEqual([]);
  });

  it('ends the call for the peer when the window passes, and the old token resumes nothing', async () => {
    server = await startTestServer({ limits: { resumeWindowMs: 300 } });
    const [aliceName, bobName] = [uniqueName('alice'), uniqueName('bob')];
    const [alice] = await loggedInWithToken(server.wsUrl, aliceName);
    const [bob, token] = await loggedInWithToken(server.wsUrl, bobName);
    track(alice);
    const callId = await callUp(alice, aliceName, bob, bobName);
    bob.terminate();
    await alice.next('reconnecting');
    expect(await alice.next('close')).toEqual({ type: 'close', username: bobName, reason: 'disconnected', callId });
    const late = track(await TestClient.connect(server.wsUrl));
    late.send({ type: 'login', username: bobName, resumeToken: token });
    expect(await late.next('login')).toMatchObject({ success: true, resumed: false });
    expect(server.registry.inspect().calls).toEqual([]);
  });

  it('holds the name while the window is open: nobody else may take it', async () => {
    server = await startTestServer();
    const [aliceName, bobName] = [uniqueName('alice'), uniqueName('bob')];
    const alice = track(await TestClient.loggedIn(server.wsUrl, aliceName));
    const bob = await TestClient.loggedIn(server.wsUrl, bobName, { resume: true });
    await callUp(alice, aliceName, bob, bobName);
    bob.terminate();
    // Once alice hears it, the server has parked bob's session.
    await alice.next('reconnecting');
    const squatter = track(await TestClient.connect(server.wsUrl));
    squatter.send({ type: 'login', username: bobName });
    expect(await squatter.next('login')).toMatchObject({ success: false, reason: 'taken' });
  });

  it('refuses a message that names an ended call, so it never reaches the next one', async () => {
    server = await startTestServer();
    const [aliceName, bobName] = [uniqueName('alice'), uniqueName('bob')];
    const alice = track(await TestClient.loggedIn(server.wsUrl, aliceName));
    const bob = track(await TestClient.loggedIn(server.wsUrl, bobName));
    const old = await callUp(alice, aliceName, bob, bobName);
    alice.send({ type: 'close', otherUsername: bobName, callId: old });
    await bob.next('close');
    const current = await callUp(alice, aliceName, bob, bobName);
    expect(current).not.toBe(old);
    bob.send({ type: 'close', otherUsername: aliceName, callId: old });
    expect(await bob.next('error')).toMatchObject({ code: 'stale-call', replyTo: 'close' });
    await alice.sync();
    expect(alice.log.filter((m: Received) => m['type'] === 'close')).toHaveLength(0);
    expect(server.registry.inspect().calls).toEqual([{ caller: aliceName, callee: bobName, state: 'active' }]);
  });
});

describe('signaling resume across a server restart', () => {
  beforeAll(requireBuiltServer);

  it('puts a call back together when both parties come back claiming it after a SIGKILL', async () => {
    const first = await startServerProcess();
    const url = `ws://127.0.0.1:${first.port}/ws`;
    const alice = await TestClient.loggedIn(url, 'alice');
    const bob = await TestClient.loggedIn(url, 'bob');
    const callId = await callUp(alice, 'alice', bob, 'bob');
    first.child.kill('SIGKILL');
    await Promise.all([first.exited, alice.closed, bob.closed]);

    const second = await startServerProcess({}, first.port);
    try {
      const back = (name: string, peer: string) =>
        TestClient.connect(url).then((client) => {
          client.send({ type: 'login', username: name, resumeToken: 'from-the-dead-server', call: { callId, otherUsername: peer } });
          return client;
        });
      const [alice2, bob2] = [await back('alice', 'bob'), await back('bob', 'alice')];
      expect(await alice2.next('login')).toMatchObject({ success: true, resumed: false });
      expect(await bob2.next('login')).toMatchObject({ success: true, resumed: false });
      expect(await alice2.next('reconnected')).toEqual({ type: 'reconnected', username: 'bob', callId });
      expect(await bob2.next('reconnected')).toEqual({ type: 'reconnected', username: 'alice', callId });
      alice2.send({ type: 'candidate', candidate: candidate(9), otherUsername: 'bob', callId });
      expect(await bob2.next('candidate')).toEqual({ type: 'candidate', candidate: candidate(9), username: 'alice', callId });
      bob2.send({ type: 'close', otherUsername: 'alice', callId });
      expect(await alice2.next('close')).toEqual({ type: 'close', username: 'bob', reason: 'hangup', callId: CALL_ID });
      alice2.close();
      bob2.close();
    } finally {
      await second.stop();
    }
  }, 60_000);
});
