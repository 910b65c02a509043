import { ConnectionAuthenticator, Identity } from '@duet/server/auth';
import { UpgradeGuard } from '@duet/server/signaling';
import { Injectable } from '@nestjs/common';
import { exportJWK, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';
import { createServer, Server } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { completeCall } from './support/call-flow';
import { TestClient } from './support/test-client';
import { startTestServer, TestServer } from './support/test-server';
import { AUDIENCE, HS_SECRET, hsKey, ISSUER, keyPairWithPemFile, signToken, unsignedToken } from './support/tokens';

const jwt = (overrides: object) => ({
  mode: 'jwt' as const,
  secret: undefined,
  publicKeyFile: undefined,
  jwksUrl: undefined,
  issuer: ISSUER,
  audience: AUDIENCE,
  usernameClaim: 'sub',
  ...overrides,
});
const withToken = (token: string) => ({ protocols: ['duet', `access_token.${token}`] });

describe('authentication: JWT (HS256)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ auth: jwt({ secret: HS_SECRET }) });
  });
  afterAll(async () => {
    await server.close();
  });

  it('accepts a valid token sent as a subprotocol, answers with "duet", never the token', async () => {
    const client = await TestClient.connect(server.wsUrl, withToken(await signToken(hsKey(), 'HS256')));
    expect(client.protocol).toBe('duet');
    client.close();
  });

  it('accepts the token from ?access_token= and from an Authorization header', async () => {
    const token = await signToken(hsKey(), 'HS256', { sub: 'bob' });
    const viaQuery = await TestClient.connect(`${server.wsUrl}?access_token=${token}`);
    viaQuery.close();
    const viaHeader = await TestClient.connect(server.wsUrl, { headers: { Authorization: `Bearer ${token}` } });
    viaHeader.close();
  });

  it('lets the token holder log in as the name in the token, and no other', async () => {
    const client = await TestClient.connect(server.wsUrl, withToken(await signToken(hsKey(), 'HS256', { sub: 'carol' })));
    client.send({ type: 'login', username: 'mallory' });
    expect(await client.next('login')).toMatchObject({ success: false, reason: 'forbidden' });
    client.send({ type: 'login', username: 'carol' });
    expect(await client.next('login')).toMatchObject({ success: true, username: 'carol' });
    client.close();
  });

  it('closes a connection with 4401 when its token expires, never before', async () => {
    const expiresAt = (Math.floor(Date.now() / 1_000) + 2) * 1_000;
    const token = await signToken(hsKey(), 'HS256', { sub: 'fay', expiresIn: expiresAt / 1_000 - Math.floor(Date.now() / 1_000) });
    const client = await TestClient.connect(server.wsUrl, withToken(token));
    client.send({ type: 'login', username: 'fay' });
    expect(await client.next('login')).toMatchObject({ success: true });
    const closed = await client.closed;
    expect(closed).toEqual({ code: 4401, reason: 'credentials expired' });
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
  });

  it('completes a call between two authenticated users', async () => {
    const alice = await TestClient.loggedIn(server.wsUrl, 'dora', withToken(await signToken(hsKey(), 'HS256', { sub: 'dora' })));
    const bob = await TestClient.loggedIn(server.wsUrl, 'erin', withToken(await signToken(hsKey(), 'HS256', { sub: 'erin' })));
    await completeCall(alice, 'dora', bob, 'erin');
    alice.close();
    bob.close();
  });

  const refused: [string, () => Promise<string | undefined>][] = [
    ['no token at all', async () => undefined],
    ['an expired token', () => signToken(hsKey(), 'HS256', { expiresIn: -60 })],
    ['a token not valid yet', () => signToken(hsKey(), 'HS256', { notBefore: 120 })],
    ['a token without exp', () => signToken(hsKey(), 'HS256', { expiresIn: null })],
    ['a token signed with another secret', () => signToken(new TextEncoder().encode('x'.repeat(40)), 'HS256')],
    ['a token from another issuer', () => signToken(hsKey(), 'HS256', { issuer: 'https://evil.test' })],
    ['a token for another audience', () => signToken(hsKey(), 'HS256', { audience: 'someone-else' })],
    ['an unsigned token (alg: none)', async () => unsignedToken()],
    ['a token whose name breaks the username rule', () => signToken(hsKey(), 'HS256', { sub: 'auth0|12345' })],
    ['garbage', async () => 'not.a.jwt'],
  ];
  it.each(refused)('refuses %s with HTTP 401 and no socket', async (_label, makeToken) => {
    const token = await makeToken();
    await expect(TestClient.connect(server.wsUrl, token === undefined ? {} : withToken(token))).rejects.toThrow(/401/);
  });
});

describe('authentication: JWT with a public key (RS256), against algorithm confusion', () => {
  let server: TestServer;
  let rsa: Awaited<ReturnType<typeof keyPairWithPemFile>>;
  beforeAll(async () => {
    rsa = await keyPairWithPemFile('RS256');
    server = await startTestServer({ auth: jwt({ publicKeyFile: rsa.file, usernameClaim: 'preferred_username' }) });
  });
  afterAll(async () => {
    await server.close();
  });

  it('accepts an RS256 token signed with the private key, naming the user by the configured claim', async () => {
    const token = await signToken(rsa.privateKey, 'RS256', { sub: 'id-123', claims: { preferred_username: 'frank' } });
    const client = await TestClient.connect(server.wsUrl, withToken(token));
    client.send({ type: 'login', username: 'frank' });
    expect(await client.next('login')).toMatchObject({ success: true });
    client.close();
  });

  it('refuses an HS256 token "signed" with the public key as the secret', async () => {
    const token = await signToken(new TextEncoder().encode(rsa.pem), 'HS256', { claims: { preferred_username: 'frank' } });
    await expect(TestClient.connect(server.wsUrl, withToken(token))).rejects.toThrow(/401/);
  });

  it('refuses a token signed by another key pair', async () => {
    const other = await keyPairWithPemFile('RS256');
    const token = await signToken(other.privateKey, 'RS256', { claims: { preferred_username: 'frank' } });
    await expect(TestClient.connect(server.wsUrl, withToken(token))).rejects.toThrow(/401/);
  });
});

describe('authentication: JWT with an EC public key (ES256)', () => {
  it('accepts ES256 and refuses RS256 tokens', async () => {
    const ec = await keyPairWithPemFile('ES256');
    const rsa = await keyPairWithPemFile('RS256');
    const server = await startTestServer({ auth: jwt({ publicKeyFile: ec.file }) });
    const client = await TestClient.connect(server.wsUrl, withToken(await signToken(ec.privateKey, 'ES256')));
    client.close();
    await expect(TestClient.connect(server.wsUrl, withToken(await signToken(rsa.privateKey, 'RS256')))).rejects.toThrow(/401/);
    await server.close();
  });
});

// The example of docs/auth.md, verbatim: an enterprise's own authenticator.
@Injectable()
class SessionCookieAuthenticator extends ConnectionAuthenticator {
  private readonly sessions = new Map([['s3cr3t-session', 'grace']]); // your session store

  async authenticate(request: IncomingMessage): Promise<Identity | undefined> {
    const cookies = new URLSearchParams(request.headers.cookie?.replace(/; */g, '&'));
    const username = this.sessions.get(cookies.get('session') ?? '');
    return username === undefined ? undefined : { username };
  }
}

describe('authentication: a custom authenticator (docs/auth.md)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ authenticator: SessionCookieAuthenticator });
  });
  afterAll(async () => {
    await server.close();
  });

  it('admits a request with a valid session cookie as that user only', async () => {
    const client = await TestClient.connect(server.wsUrl, { headers: { Cookie: 'theme=dark; session=s3cr3t-session' } });
    client.send({ type: 'login', username: 'heidi' });
    expect(await client.next('login')).toMatchObject({ success: false, reason: 'forbidden' });
    client.send({ type: 'login', username: 'grace' });
    expect(await client.next('login')).toMatchObject({ success: true });
    client.close();
  });

  it('refuses a request without the cookie with 401', async () => {
    await expect(TestClient.connect(server.wsUrl, { headers: { Cookie: 'session=guess' } })).rejects.toThrow(/401/);
  });
});

describe('GET /ws/admission: what an upgrade would meet, for browsers that cannot see its status', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  const admission = (headers: Record<string, string> = {}, query = '') =>
    fetch(`${server.httpUrl}/ws/admission${query}`, { headers }).then(async (response) => ({
      status: response.status,
      body: response.status === 204 ? undefined : await response.json(),
    }));

  it('says 401 without a valid token and 204 with one, taking no connection slot', async () => {
    server = await startTestServer({ auth: jwt({ secret: HS_SECRET }), limits: { maxConnectionsPerIp: 2 } });
    expect(await admission()).toEqual({ status: 401, body: { status: 401, message: 'authentication required' } });
    const token = await signToken(hsKey(), 'HS256');
    for (let i = 0; i < 3; i++) expect(await admission({ Authorization: `Bearer ${token}` })).toEqual({ status: 204, body: undefined });
    const clients = [await TestClient.connect(server.wsUrl, withToken(token)), await TestClient.connect(server.wsUrl, withToken(token))];
    expect(await admission({ Authorization: `Bearer ${token}` })).toMatchObject({ status: 429 });
    clients.forEach((client) => client.close());
  });

  it('says 403 for a foreign origin and 503 while shutting down', async () => {
    server = await startTestServer();
    expect(await admission({ Origin: 'https://evil.example' })).toMatchObject({ status: 403 });
    expect(await admission()).toEqual({ status: 204, body: undefined });
    server.app.get(UpgradeGuard).stopAccepting();
    expect(await admission()).toMatchObject({ status: 503, body: { message: 'server shutting down' } });
  });

  it('judges the origin a same-origin page names in ?origin=, as browsers send no Origin header on that GET', async () => {
    server = await startTestServer({ allowedOrigins: ['https://duet.example'] });
    const named = (origin: string) => `?origin=${encodeURIComponent(origin)}`;
    expect(await admission({}, named('http://127.0.0.1:9'))).toMatchObject({ status: 403, body: { message: 'origin not allowed' } });
    expect(await admission({}, named('https://duet.example'))).toEqual({ status: 204, body: undefined });
    // The header, when a browser sends one, is what the upgrade will carry: it decides.
    expect(await admission({ Origin: 'https://duet.example' }, named('https://evil.example'))).toEqual({ status: 204, body: undefined });
  });
});

describe('authentication: JWT from an identity provider that publishes its keys (JWKS) and rotates them', () => {
  let server: TestServer;
  let idp: Server;
  let published: JWK[] = [];
  let fetches = 0;

  beforeAll(async () => {
    idp = createServer((request, response) => {
      fetches += 1;
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await server?.close();
    await new Promise((resolve) => idp.close(resolve));
  });

  async function keyPair(kid: string) {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
  }
  const tokenFrom = (key: { kid: string; privateKey: KeyLike }, sub: string) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(key.privateKey);

  it('accepts tokens signed with the published key, follows a rotation, and refuses retired and foreign keys', async () => {
    const first = await keyPair('2026-11-a');
    const second = await keyPair('2026-11-b');
    const stranger = await keyPair('2026-11-a');
    published = [first.jwk];
    const jwksUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/.well-known/jwks.json`;
    server = await startTestServer({ auth: jwt({ jwksUrl, jwksCooldownMs: 100 }) });

    const alice = await TestClient.loggedIn(server.wsUrl, 'alice', withToken(await tokenFrom(first, 'alice')));
    // A token signed with another private key under a known kid is a forgery.
    await expect(TestClient.connect(server.wsUrl, withToken(await tokenFrom(stranger, 'mallory')))).rejects.toThrow(/401/);

    // The provider rotates: the new key appears, the old one is retired.
    published = [second.jwk];
    const fetchesBefore = fetches;
    const token = await tokenFrom(second, 'bob');
    let bob: TestClient | undefined;
    // The unknown kid makes Duet fetch the set again, at most once per cool-down.
    for (const deadline = Date.now() + 5_000; bob === undefined && Date.now() < deadline; ) {
      bob = await TestClient.loggedIn(server.wsUrl, 'bob', withToken(token)).catch(() => undefined);
    }
    expect(bob).toBeDefined();
    expect(fetches).toBeGreaterThan(fetchesBefore);
    await completeCall(alice, 'alice', bob as TestClient, 'bob');
    await expect(TestClient.connect(server.wsUrl, withToken(await tokenFrom(first, 'carol')))).rejects.toThrow(/401/);
    alice.close();
    bob?.close();
  });

  it('with the default cool-down, a flood of made-up key ids costs the provider at most a fetch or two, and a rotated key is admitted within seconds', async () => {
    await server?.close();
    const current = await keyPair('2026-12-a');
    const next = await keyPair('2026-12-b');
    published = [current.jwk];
    server = await startTestServer({ auth: jwt({ jwksUrl: `http://127.0.0.1:${(idp.address() as AddressInfo).port}/.well-known/jwks.json` }) });
    const alice = await TestClient.loggedIn(server.wsUrl, 'alice', withToken(await tokenFrom(current, 'alice')));

    const fetchesBefore = fetches;
    const madeUp = await Promise.all(Array.from({ length: 20 }, (_, i) => tokenFrom({ kid: `made-up-${i}`, privateKey: next.privateKey }, 'mallory')));
    const attempts = await Promise.allSettled(madeUp.map((token) => TestClient.connect(server.wsUrl, withToken(token))));
    expect(attempts.map((attempt) => attempt.status)).toEqual(madeUp.map(() => 'rejected'));
    expect(fetches - fetchesBefore).toBeLessThanOrEqual(2);

    // The provider starts signing with a key it had not published before: refused at most for the cool-down.
    published = [next.jwk, current.jwk];
    const token = await tokenFrom(next, 'bob');
    let bob: TestClient | undefined;
    for (const deadline = Date.now() + 20_000; bob === undefined && Date.now() < deadline; ) {
      bob = await TestClient.loggedIn(server.wsUrl, 'bob', withToken(token)).catch(() => undefined);
    }
    expect(bob).toBeDefined();
    alice.close();
    bob?.close();
  });

  it('keeps refusing, without crashing, while the provider is unreachable', async () => {
    await server?.close();
    server = await startTestServer({ auth: jwt({ jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json', jwksCooldownMs: 100 }) });
    const key = await keyPair('k');
    await expect(TestClient.connect(server.wsUrl, withToken(await tokenFrom(key, 'alice')))).rejects.toThrow(/401/);
    expect((await fetch(`${server.httpUrl}/ws/admission`)).status).toBe(401);
  });
});
