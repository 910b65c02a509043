import { UpgradeGuard } from '@duet/server/signaling';
import { WebSocket } from 'ws';
import { ANSWER, CALL_ID, completeCall, OFFER } from './support/call-flow';
import { uniqueName } from './support/names';
import { waitFor } from './support/server-process';
import { TestClient } from './support/test-client';
import { startTestServer, TestServer } from './support/test-server';


/** Opens a raw socket from a chosen loopback address; resolves 'open' or the refusal's status. */
function connectFrom(url: string, localAddress: string, origin?: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { localAddress, origin });
    socket.once('open', () => resolve('open'));
    socket.once('unexpected-response', (_request, response) => resolve(String(response.statusCode)));
    socket.once('error', (error) => resolve(error.message));
  });
}

describe('limits', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  it('rate-limits a chatty connection with errors, and closes it with 1008 when it keeps going', async () => {
    // A refill slow enough that no token comes back during the test, however slow the machine.
    server = await startTestServer({ limits: { messagesPerSecond: 0.001, messageBurst: 10 } });
    const client = await TestClient.loggedIn(server.wsUrl, uniqueName('chatty'));
    // login used one token; nine more frames pass, the rest are refused.
    for (let i = 0; i < 15; i++) client.send({ type: 'close' });
    await waitFor(() => client.log.filter((m) => m['type'] === 'error').length === 15);
    const codes = client.log.filter((m) => m['type'] === 'error').map((m) => m['code']);
    expect(codes.filter((code) => code === 'not-in-call')).toHaveLength(9);
    expect(codes.filter((code) => code === 'rate-limited')).toHaveLength(6);
    for (let i = 0; i < 20; i++) client.send({ type: 'close' });
    expect((await client.closed).code).toBe(1008);
    // Everyone else is unaffected.
    const [alice, bob] = [uniqueName('alice'), uniqueName('bob')];
    await completeCall(await TestClient.loggedIn(server.wsUrl, alice), alice, await TestClient.loggedIn(server.wsUrl, bob), bob);
  });

  it('caps connections per source address (429) and in total (503)', async () => {
    server = await startTestServer({ limits: { maxConnectionsPerIp: 2, maxConnections: 3 } });
    expect(await connectFrom(server.wsUrl, '127.0.0.1')).toBe('open');
    expect(await connectFrom(server.wsUrl, '127.0.0.1')).toBe('open');
    expect(await connectFrom(server.wsUrl, '127.0.0.1')).toBe('429');
    expect(await connectFrom(server.wsUrl, '127.0.0.2')).toBe('open');
    expect(await connectFrom(server.wsUrl, '127.0.0.3')).toBe('503');
  });

  it('frees a connection slot when the socket closes', async () => {
    server = await startTestServer({ limits: { maxConnectionsPerIp: 1 } });
    const first = await TestClient.connect(server.wsUrl);
    first.close();
    await first.closed;
    await waitFor(() => server.app.get(UpgradeGuard).openConnections === 0);
    (await TestClient.connect(server.wsUrl)).close();
  });

  it('closes a connection that does not log in before the deadline, and keeps one that did', async () => {
    // Long enough for a login round trip on a loaded machine.
    server = await startTestServer({ limits: { loginTimeoutMs: 2_000 } });
    const idle = await TestClient.connect(server.wsUrl);
    const user = await TestClient.loggedIn(server.wsUrl, uniqueName('prompt'));
    // Equal deadlines expire in the order they were armed: once a socket opened after the user's
    // is closed, the user's own deadline is past.
    const later = await TestClient.connect(server.wsUrl);
    expect((await idle.closed).code).toBe(1008);
    expect((await later.closed).code).toBe(1008);
    expect(user.isOpen).toBe(true);
    user.close();
  });

  it('reaps a peer that stops answering pings and tells its call partner', async () => {
    // Long enough that a loaded machine still answers every ping in time.
    server = await startTestServer({ limits: { heartbeatIntervalMs: 1_000, resumeWindowMs: 500 } });
    const [aliceName, bobName] = [uniqueName('alice'), uniqueName('bob')];
    const alice = await TestClient.loggedIn(server.wsUrl, aliceName);
    // A half-open connection: the socket is there, but nothing answers the server's pings.
    const bob = await TestClient.loggedIn(server.wsUrl, bobName, { autoPong: false, resume: true });
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    await bob.next('offer');
    bob.send({ type: 'answer', answer: ANSWER, otherUsername: aliceName });
    await alice.next('answer');
    // Two intervals at most, plus slack for a loaded machine; then the resume window.
    expect(await alice.next('reconnecting', 10_000)).toEqual({ type: 'reconnecting', username: bobName, callId: CALL_ID });
    expect(await alice.next('close', 10_000)).toEqual({ type: 'close', username: bobName, reason: 'disconnected', callId: CALL_ID });
    expect((await bob.closed).code).toBe(1006);
    // Alice answers pings (ws does by default) and outlives several of them.
    const pingsSoFar = alice.pings;
    await waitFor(() => alice.pings >= pingsSoFar + 2, 10_000);
    expect(alice.isOpen).toBe(true);
    alice.close();
  });

  it('ends a call nobody answers and tells both sides', async () => {
    server = await startTestServer({ limits: { ringTimeoutMs: 200 } });
    const [aliceName, bobName] = [uniqueName('alice'), uniqueName('bob')];
    const alice = await TestClient.loggedIn(server.wsUrl, aliceName);
    const bob = await TestClient.loggedIn(server.wsUrl, bobName);
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    const { callId } = await alice.next('ringing');
    await bob.next('offer');
    expect(await alice.next('close')).toEqual({ type: 'close', username: bobName, reason: 'timeout', callId });
    expect(await bob.next('close')).toEqual({ type: 'close', username: aliceName, reason: 'timeout', callId });
    expect(server.registry.inspect().calls).toEqual([]);
    await completeCall(alice, aliceName, bob, bobName);
    alice.close();
    bob.close();
  });

  it('refuses an upgrade from a foreign origin with 403, and admits its own and localhost', async () => {
    server = await startTestServer();
    const port = new URL(server.httpUrl).port;
    expect(await connectFrom(server.wsUrl, '127.0.0.1', 'https://evil.example')).toBe('403');
    expect(await connectFrom(server.wsUrl, '127.0.0.1', `http://127.0.0.1:${port}`)).toBe('open');
    expect(await connectFrom(server.wsUrl, '127.0.0.1', 'http://localhost:4200')).toBe('open');
  });

  it('admits only the configured origins when ALLOWED_ORIGINS is set', async () => {
    server = await startTestServer({ allowedOrigins: ['https://duet.example.com'] });
    expect(await connectFrom(server.wsUrl, '127.0.0.1', 'https://duet.example.com')).toBe('open');
    expect(await connectFrom(server.wsUrl, '127.0.0.1', 'http://localhost:4200')).toBe('403');
  });

  it('offers no WebSocket on any other path', async () => {
    server = await startTestServer();
    expect(await connectFrom(`${server.httpUrl.replace('http', 'ws')}/other`, '127.0.0.1')).not.toBe('open');
  });

  it('on shutdown, tells every client to go elsewhere with 1001', async () => {
    server = await startTestServer({ limits: { shutdownTimeoutMs: 1_000 } });
    const clients = [await TestClient.loggedIn(server.wsUrl, uniqueName('a')), await TestClient.connect(server.wsUrl)];
    const closing = server.close();
    const codes = await Promise.all(clients.map(async (client) => (await client.closed).code));
    await closing;
    expect(codes).toEqual([1001, 1001]);
    server = undefined as unknown as TestServer;
  });
});
