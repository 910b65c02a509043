import { ClientAddress } from '@duet/server/signaling';
import { createProxyServer } from 'http-proxy';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get as httpGet, Server } from 'node:http';
import { get as httpsGet } from 'node:https';
import { AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { WebSocket } from 'ws';
import { completeCall } from './support/call-flow';
import { uniqueName } from './support/names';
import { requireBuiltServer, startServerProcess } from './support/server-process';
import { TestClient } from './support/test-client';
import { startTestServer, TestServer } from './support/test-server';

/** A reverse proxy like nginx in front of Duet: forwards HTTP and WebSocket upgrades, adds X-Forwarded-For. */
async function reverseProxy(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  const proxy = createProxyServer({ target, ws: true, xfwd: true });
  proxy.on('error', () => undefined);
  const server: Server = createServer((request, response) => proxy.web(request, response));
  server.on('upgrade', (request, socket, head) => proxy.ws(request, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`,
    close: () =>
      new Promise<void>((resolve) => {
        proxy.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Opens a socket from a chosen local address; 'open' or the refusal's status. */
function upgradeFrom(url: string, localAddress: string, headers: Record<string, string> = {}): Promise<{ outcome: string; socket?: WebSocket }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { localAddress, headers });
    socket.once('open', () => resolve({ outcome: 'open', socket }));
    socket.once('unexpected-response', (_request, response) => resolve({ outcome: String(response.statusCode) }));
    socket.once('error', (error) => resolve({ outcome: error.message }));
  });
}

describe('behind a reverse proxy (TRUST_PROXY)', () => {
  let server: TestServer;
  let proxy: { url: string; close: () => Promise<void> };
  const open: WebSocket[] = [];
  afterEach(async () => {
    open.splice(0).forEach((socket) => socket.close());
    await proxy?.close();
    await server?.close();
  });

  async function through(localAddress: string): Promise<string> {
    const { outcome, socket } = await upgradeFrom(proxy.url, localAddress);
    if (socket) open.push(socket);
    return outcome;
  }

  it('counts clients behind a trusted proxy apart, by their forwarded addresses', async () => {
    server = await startTestServer({ trustProxy: { mode: 'addresses', addresses: ['loopback'] }, limits: { maxConnectionsPerIp: 1 } });
    proxy = await reverseProxy(server.httpUrl);
    expect(await through('127.0.0.2')).toBe('open');
    expect(await through('127.0.0.3')).toBe('open');
    // The cap still holds per client.
    expect(await through('127.0.0.2')).toBe('429');
  });

  it('ignores X-Forwarded-For when TRUST_PROXY is off: every client behind the proxy is the proxy', async () => {
    server = await startTestServer({ limits: { maxConnectionsPerIp: 1 } });
    proxy = await reverseProxy(server.httpUrl);
    expect(await through('127.0.0.2')).toBe('open');
    expect(await through('127.0.0.3')).toBe('429');
  });

  it('never lets a client that talks to Duet directly choose its own address', async () => {
    server = await startTestServer({ limits: { maxConnectionsPerIp: 1 } });
    const first = await upgradeFrom(server.wsUrl, '127.0.0.2', { 'X-Forwarded-For': '198.51.100.1' });
    if (first.socket) open.push(first.socket);
    expect(first.outcome).toBe('open');
    expect((await upgradeFrom(server.wsUrl, '127.0.0.2', { 'X-Forwarded-For': '198.51.100.2' })).outcome).toBe('429');
  });

  it('believes only as many hops as it is told to', () => {
    const request = (peer: string, forwarded: string) =>
      ({ socket: { remoteAddress: peer }, connection: { remoteAddress: peer }, headers: { 'x-forwarded-for': forwarded } }) as never;
    const oneHop = new ClientAddress({ mode: 'hops', hops: 1 });
    expect(oneHop.of(request('10.0.0.5', '198.51.100.7, 203.0.113.9'))).toBe('203.0.113.9');
    expect(new ClientAddress({ mode: 'off' }).of(request('10.0.0.5', '203.0.113.9'))).toBe('10.0.0.5');
  });
});

describe('HTTPS and WSS on one port', () => {
  let server: TestServer;
  let dir: string;
  afterEach(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page over https and signaling over wss with the configured certificate', async () => {
    dir = mkdtempSync(join(tmpdir(), 'duet-tls-'));
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    writeFileSync(join(dir, 'cert.pem'), pems.cert);
    writeFileSync(join(dir, 'key.pem'), pems.private);
    server = await startTestServer({
      tls: { mode: 'files', certFile: join(dir, 'cert.pem'), keyFile: join(dir, 'key.pem') },
      limits: { httpHeadersTimeoutMs: 1_000 },
    });
    expect(server.httpUrl).toMatch(/^https:/);
    const status = await new Promise<number | undefined>((resolve, reject) =>
      httpsGet(server.httpUrl, { ca: pems.cert, agent: false }, (response) => {
        response.resume();
        resolve(response.statusCode);
      }).once('error', reject),
    );
    expect(status).toBe(200);
    // Plain http on the same port is sent to https, same host and path, with a page that says so.
    const plainUrl = `${server.httpUrl.replace('https', 'http')}/call/bob?x=1`;
    const plain = await new Promise<{ status?: number; location?: string; body: string }>((resolve, reject) =>
      httpGet(plainUrl, { agent: false }, (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode, location: response.headers.location, body }));
      }).once('error', reject),
    );
    expect(plain.status).toBe(301);
    expect(plain.location).toBe(`${server.httpUrl}/call/bob?x=1`);
    expect(plain.body).toContain('https</strong> only');
    // A connection that says nothing at all (neither TLS nor HTTP) is closed at the header deadline.
    const silent = connect(Number(new URL(server.httpUrl).port), '127.0.0.1');
    const closedAfter = await new Promise<number>((resolve) => {
      const openedAt = Date.now();
      silent.once('close', () => resolve(Date.now() - openedAt));
    });
    expect(closedAfter).toBeGreaterThanOrEqual(900);
    const [aliceName, bobName] = [uniqueName('alice'), uniqueName('bob')];
    const secure = { ca: pems.cert } as const;
    const alice = await TestClient.loggedIn(server.wsUrl, aliceName, secure);
    const bob = await TestClient.loggedIn(server.wsUrl, bobName, secure);
    await completeCall(alice, aliceName, bob, bobName);
    alice.close();
    bob.close();
  });

  it('refuses to start on an unreadable certificate, naming the variable', async () => {
    dir = mkdtempSync(join(tmpdir(), 'duet-tls-'));
    await expect(startTestServer({ tls: { mode: 'files', certFile: join(dir, 'missing.pem'), keyFile: join(dir, 'missing.pem') } })).rejects.toThrow(
      /^Invalid TLS_CERT=".*missing.pem": cannot read it \(ENOENT\)/,
    );
  });
});

describe('npm run start:lan (TLS=self-signed)', () => {
  beforeAll(requireBuiltServer);

  it('makes a certificate for this machine once, serves https with it, and says what to open and what the browser will say', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'duet-lan-'));
    try {
      const server = await startServerProcess({ TLS: 'self-signed', HOST: '0.0.0.0' }, undefined, { cwd, readyText: 'NET::ERR_CERT_AUTHORITY_INVALID' });
      try {
        expect(server.output()).toMatch(/On another machine of this network, open https:\/\/\S+:\d+/);
        expect(server.output()).toContain('NET::ERR_CERT_AUTHORITY_INVALID');
        const cert = readFileSync(join(cwd, '.duet/tls/cert.pem'), 'utf8');
        const status = await new Promise<number | undefined>((resolve, reject) =>
          httpsGet(`https://127.0.0.1:${server.port}/`, { ca: cert, agent: false }, (response) => {
            response.resume();
            resolve(response.statusCode);
          }).once('error', reject),
        );
        expect(status).toBe(200);
        // `http://` typed before the address, as people do: sent to https, not an empty response.
        const plain = await new Promise<{ status?: number; location?: string }>((resolve, reject) =>
          httpGet(`http://127.0.0.1:${server.port}/`, { agent: false }, (response) => {
            response.resume();
            resolve({ status: response.statusCode, location: response.headers.location });
          }).once('error', reject),
        );
        expect(plain).toEqual({ status: 301, location: `https://127.0.0.1:${server.port}/` });
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }, 60_000);
});
