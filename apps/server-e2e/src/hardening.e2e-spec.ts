import { get } from 'node:http';
import { connect, Socket } from 'node:net';
import { WebSocket } from 'ws';
import { ANSWER, CALL_ID, completeCall, OFFER } from './support/call-flow';
import { uniqueName } from './support/names';
import { requireBuiltServer, startServerProcess, waitFor } from './support/server-process';
import { Received, TestClient } from './support/test-client';
import { startTestServer, TestServer } from './support/test-server';

const MiB = 1024 * 1024;
const BIG_OFFER = { type: 'offer', sdp: `v=0\r\n${'a=x-filler\r\n'.repeat(2_600)}` };

/** GET / from a chosen local address, on a fresh connection. */
function pageStatus(url: string, localAddress: string): Promise<number | undefined> {
  return new Promise((resolve, reject) =>
    get(url, { localAddress, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode);
    }).once('error', reject),
  );
}

/** Sends `count` frames of `send` as fast as the socket takes them, yielding now and then. */
async function flood(client: TestClient, count: number, send: () => boolean): Promise<number> {
  let sent = 0;
  while (sent < count && send()) {
    sent += 1;
    if (sent % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return sent;
}

describe('hardening: memory a client cannot grow', () => {
  beforeAll(requireBuiltServer);

  // Before the bound, one socket that flooded pings without reading grew the server by 247 MiB in
  // 7 s: `ws` answered every ping with a pong that queued without limit. Now pongs pass the same
  // 256 KiB send-backlog bound as everything else, so the server's growth is that, plus the
  // kernel's socket buffers, plus young-generation garbage from parsing the flood: 48 MiB leaves
  // room for the latter on a busy machine and is a fifth of the unbounded growth.
  it.each([
    ['with the default rate limit (1008 after a refused burst)', {}],
    ['with the rate limit lifted, where only the backlog bound holds', { RATE_LIMIT_PER_SECOND: '10000', RATE_LIMIT_BURST: '100000' }],
  ])('keeps the server bounded against a client that floods pings and never reads, %s', async (_, env) => {
    const server = await startServerProcess(env);
    try {
      const url = `ws://127.0.0.1:${server.port}/ws`;
      const flooder = await TestClient.loggedIn(url, 'flooder');
      const before = server.rss();
      flooder.stopReading();
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, server.rss())), 50);
      try {
        const payload = Buffer.alloc(125, 7);
        await flood(flooder, 540_000, () => flooder.ping(payload));
        // Reading again, the client sees what the server did: a 1008 close, or a dropped connection.
        flooder.resumeReading();
        await flooder.closed;
        peak = Math.max(peak, server.rss());
      } finally {
        clearInterval(sampler);
      }
      console.info(`ping flood ${JSON.stringify(env)}: server RSS grew ${((peak - before) / MiB).toFixed(1)} MiB`);
      expect(peak - before).toBeLessThan(48 * MiB);
      // Everyone else is served as before.
      const [alice, bob] = [await TestClient.loggedIn(url, 'alice'), await TestClient.loggedIn(url, 'bob')];
      await completeCall(alice, 'alice', bob, 'bob');
      alice.close();
      bob.close();
    } finally {
      await server.stop();
    }
  }, 90_000);
});

describe('hardening', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  it('closes a connection that sends a message in too many fragments (1008), before it pins memory', async () => {
    server = await startTestServer();
    const client = await TestClient.loggedIn(server.wsUrl, uniqueName('frag'));
    for (let i = 0; i < 16_000 && client.isOpen; i++) client.sendFragment('a');
    expect((await client.closed).code).toBe(1008);
  });

  it("never lets the caller answer its own call; the callee can still decline and is free after", async () => {
    server = await startTestServer();
    const [aliceName, bobName, carolName] = [uniqueName('alice'), uniqueName('bob'), uniqueName('carol')];
    const alice = await TestClient.loggedIn(server.wsUrl, aliceName);
    const bob = await TestClient.loggedIn(server.wsUrl, bobName);
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    await bob.next('offer');
    alice.send({ type: 'answer', answer: ANSWER, otherUsername: bobName });
    expect(await alice.next('error')).toMatchObject({ code: 'no-offer', replyTo: 'answer' });
    bob.send({ type: 'decline', otherUsername: aliceName });
    expect(await alice.next('decline')).toEqual({ type: 'decline', username: bobName, reason: 'declined', callId: CALL_ID });
    const carol = await TestClient.loggedIn(server.wsUrl, carolName);
    await completeCall(carol, carolName, bob, bobName);
    await bob.sync();
    expect(bob.callMessages().filter((message) => message['type'] === 'answer')).toEqual([]);
    [alice, bob, carol].forEach((client) => client.close());
  });

  it('relays one offer to a ringing callee; repeats are refused to the caller', async () => {
    server = await startTestServer({ limits: { messagesPerSecond: 10_000, messageBurst: 10_000 } });
    const [aliceName, bobName] = [uniqueName('alice'), uniqueName('bob')];
    const alice = await TestClient.loggedIn(server.wsUrl, aliceName);
    const bob = await TestClient.loggedIn(server.wsUrl, bobName);
    for (let i = 0; i < 90; i++) alice.send({ type: 'offer', offer: BIG_OFFER, otherUsername: bobName });
    await waitFor(() => alice.log.filter((m) => m['code'] === 'offer-pending').length === 89);
    await bob.sync();
    expect(bob.callMessages().filter((message) => message['type'] === 'offer')).toHaveLength(1);
    alice.close();
    bob.close();
  });

  it('never lets a peer get the other party disconnected by filling its link; the sender is told', async () => {
    server = await startTestServer({ limits: { messagesPerSecond: 100_000, messageBurst: 100_000 } });
    const [aliceName, bobName] = [uniqueName('alice'), uniqueName('bob')];
    const alice = await TestClient.loggedIn(server.wsUrl, aliceName);
    const bob = await TestClient.loggedIn(server.wsUrl, bobName);
    alice.send({ type: 'offer', offer: OFFER, otherUsername: bobName });
    await bob.next('offer');
    bob.send({ type: 'answer', answer: ANSWER, otherUsername: aliceName });
    await alice.next('answer');
    bob.stopReading();
    // Renegotiation offers of ~32 kB each: far more than the kernel buffers between them hold.
    const backlogged = () => alice.log.some((m: Received) => m['code'] === 'peer-backlogged');
    let sent = 0;
    while (!backlogged() && sent < 2_000) {
      alice.send({ type: 'offer', offer: BIG_OFFER, otherUsername: bobName });
      sent += 1;
      if (sent % 20 === 0) await alice.sync();
    }
    expect(backlogged()).toBe(true);
    bob.resumeReading();
    await bob.sync(30_000);
    expect(bob.isOpen).toBe(true);
    const delivered = bob.callMessages().filter((m) => m['type'] === 'offer').length;
    expect(delivered).toBeGreaterThan(1);
    expect(delivered).toBeLessThan(sent + 1);
    alice.close();
    bob.close();
  });

  it('cuts slow requests at the header deadline and caps the connections one address holds', async () => {
    server = await startTestServer({ limits: { maxConnectionsPerIp: 4, httpHeadersTimeoutMs: 1_000 } });
    const { port } = new URL(server.httpUrl);
    const open = (localAddress: string) =>
      new Promise<Socket>((resolve) => {
        const socket = connect({ host: '127.0.0.1', port: Number(port), localAddress }, () => resolve(socket));
      });
    // Reading (and dropping) what arrives, so the server's end of the stream is seen.
    const closed = (socket: Socket) =>
      new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.resume().once('close', () => resolve())));
    // Eight half-sent requests: twice the WebSocket cap, all one address may hold.
    const slow = await Promise.all(Array.from({ length: 8 }, () => open('127.0.0.1')));
    slow.forEach((socket) => socket.write('GET / HTTP/1.1\r\nHost: duet\r\nX-Slow: '));
    // The ninth is dropped on arrival: closed without a byte (a timed-out request would get a 408).
    const refused = await open('127.0.0.1');
    let answered = '';
    refused.on('data', (chunk) => (answered += chunk));
    await closed(refused);
    expect(answered).toBe('');
    // Another address is served meanwhile, page and signaling alike.
    expect(await pageStatus(server.httpUrl, '127.0.0.2')).toBe(200);
    const elsewhere = await new Promise<string>((resolve) => {
      const socket = new WebSocket(server.wsUrl, { localAddress: '127.0.0.2' });
      socket.once('open', () => {
        socket.close();
        resolve('open');
      });
      socket.once('error', (error) => resolve(error.message));
    });
    expect(elsewhere).toBe('open');
    // The slow ones are cut at the deadline; once the server has let go of them, the address is
    // served again.
    await Promise.all(slow.map(closed));
    const attempt = () => pageStatus(server.httpUrl, '127.0.0.1').catch((error: Error) => error.message);
    const deadline = Date.now() + 5_000;
    let status = await attempt();
    while (status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await attempt();
    }
    expect(status).toBe(200);
  });

  it('refuses a DNS-rebound origin even though its Host header names it too', async () => {
    const upgrade = (origin: string, host: string) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(server.wsUrl, { origin, headers: { Host: host } });
        socket.once('open', () => {
          socket.close();
          resolve('open');
        });
        socket.once('unexpected-response', (_request, response) => resolve(String(response.statusCode)));
        socket.once('error', (error) => resolve(error.message));
      });
    server = await startTestServer();
    const { port } = new URL(server.httpUrl);
    expect(await upgrade(`http://evil.example:${port}`, `evil.example:${port}`)).toBe('403');
    expect(await upgrade(`http://127.0.0.1:${port}`, `127.0.0.1:${port}`)).toBe('open');
    await server.close();
    server = await startTestServer({ publicOrigin: 'https://duet.example.com', allowedOrigins: ['https://partner.example'] });
    expect(await upgrade(`http://evil.example:${port}`, `evil.example:${port}`)).toBe('403');
    expect(await upgrade('https://duet.example.com', 'duet.example.com')).toBe('open');
  });

  it('sends security headers with the page: a CSP, no framing, no sniffing, no X-Powered-By', async () => {
    server = await startTestServer();
    const response = await fetch(server.httpUrl);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('permissions-policy')).toContain('camera=(self)');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });
});
