import { DuetModule, useDuetSignaling } from '@duet/server/app';
import { ConnectionAuthenticator, Identity } from '@duet/server/auth';
import { loadConfig } from '@duet/server/config';
import { startPushEndpoint, PushEndpoint } from '@duet/testing/processes';
import { INestApplication, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreatedInvite, GUEST_SESSIONS_PATH, guestUsername, HISTORY_PATH, INVITES_PATH } from '@duet/shared/protocol';
import { SignJWT } from 'jose';
import { AccountsServer, eventually } from './support/accounts';
import { connectAsGuest, guestPost, inviteTokenOf, joinAsGuest, preview } from './support/guests';
import { uniqueName } from './support/names';
import { requireBuiltServer } from './support/server-process';
import { TestClient } from './support/test-client';
import { HS_SECRET } from './support/tokens';

const INVITE_SECRET = 'the-invite-secret-of-this-e2e-server-0123456789';

/** Each test joins from addresses of its own (127.0.0.x), so the per-address join limit (10 a minute) is its own. */
let addresses = 10;
const nextAddress = () => `127.0.0.${++addresses}`;

/** A token made with the server's invite key's shape but another key, or with the members' key: never the server's. */
async function forgedToken(typ: string, key: string, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ }).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(key));
}

/** Resolves with the status the upgrade was refused with, or fails if the socket opened. */
async function refusedUpgrade(wsUrl: string, token: string): Promise<string> {
  const opened = await connectAsGuest(wsUrl, token).then(
    (client) => client,
    (error: Error) => error.message,
  );
  if (typeof opened !== 'string') {
    opened.close();
    throw new Error('the upgrade was accepted');
  }
  return opened;
}

/** Logs in with what the connection's token names (a guest sends no username), and returns the reply. */
async function loginAsToken(client: TestClient): Promise<Record<string, unknown>> {
  client.send({ type: 'login' });
  return client.next('login');
}

/**
 * Invite links and guest tokens against the real server (AUTH_MODE=jwt, SQLite): a member makes,
 * lists and revokes links; a guest previews, joins and signs in with the token the join gave;
 * forged, malformed, expired and revoked tokens are refused over HTTP (with the problem in words)
 * and at the WebSocket upgrade (401); joins are limited per address and by MAX_GUESTS.
 */
describe('guests: invite links and guest tokens', () => {
  let push: PushEndpoint;
  let server: AccountsServer;
  const guests: TestClient[] = [];
  /** Every invite and guest token the server handed out: none may ever be in its log. */
  const issued: string[] = [];
  const alice = uniqueName('alice');

  const invite = async (member = alice, ttlHours?: number): Promise<CreatedInvite> => {
    const answer = await server.request(member, 'POST', INVITES_PATH, ttlHours === undefined ? {} : { ttlHours });
    if (answer.status !== 201) throw new Error(`creating an invite: ${answer.status} ${JSON.stringify(answer.body)}`);
    issued.push(inviteTokenOf(answer.body.url));
    return answer.body;
  };
  const guest = async (token: string) => {
    issued.push(token);
    const client = await connectAsGuest(server.wsUrl, token);
    guests.push(client);
    return client;
  };

  beforeAll(async () => {
    requireBuiltServer();
    push = await startPushEndpoint();
    server = await AccountsServer.start({ push, env: { INVITE_SECRET } });
  });
  afterEach(() => guests.splice(0).forEach((client) => client.close()));
  afterAll(async () => {
    await server?.close();
    await push?.close();
  });

  it('lets a member make a link at this server’s address, list it, and revoke only their own', async () => {
    const before = Date.now();
    const link = await invite(alice, 2);
    expect(link.url).toMatch(new RegExp(`^${server.baseUrl}/join/[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    expect(link.expiresAt - link.createdAt).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect(link.createdAt).toBeGreaterThanOrEqual(before);
    expect((await server.request(alice, 'GET', INVITES_PATH)).body).toEqual({ invites: [{ id: link.id, createdAt: link.createdAt, expiresAt: link.expiresAt }] });

    const mallory = uniqueName('mallory');
    expect((await server.request(mallory, 'DELETE', `${INVITES_PATH}/${link.id}`)).status).toBe(404);
    expect((await server.request(mallory, 'GET', INVITES_PATH)).body).toEqual({ invites: [] });
    expect((await server.request(alice, 'DELETE', `${INVITES_PATH}/${link.id}`)).status).toBe(204);
    expect((await server.request(alice, 'DELETE', `${INVITES_PATH}/${link.id}`)).status).toBe(404);
    expect((await server.request(alice, 'GET', INVITES_PATH)).body).toEqual({ invites: [] });

    // The link's page holds the token in its URL: never cached, never sent on as a referrer.
    const page = await fetch(link.url);
    expect({ cache: page.headers.get('cache-control'), referrer: page.headers.get('referrer-policy') }).toEqual({ cache: 'no-store', referrer: 'no-referrer' });
    expect((await server.request(undefined, 'POST', INVITES_PATH, {})).status).toBe(401);
    const tooLong = await server.request(alice, 'POST', INVITES_PATH, { ttlHours: 169 });
    expect(tooLong).toMatchObject({ status: 400, body: { message: expect.stringContaining('at most 168') } });
  });

  it('previews, joins and signs a guest in as its wire name, the display name taken as text; a second guest may not take it', async () => {
    const token = inviteTokenOf((await invite()).url);
    const from = nextAddress();
    expect(await preview(server.baseUrl, token, from)).toMatchObject({ status: 200, body: { inviter: alice } });

    const displayName = '  <b>Dana</b>   & co ';
    const session = await joinAsGuest(server.baseUrl, token, displayName, from);
    const username = guestUsername(alice, '<b>Dana</b> & co');
    expect(session).toMatchObject({ username, displayName: '<b>Dana</b> & co', inviter: alice });
    const dana = await guest(session.token);
    expect(await loginAsToken(dana)).toMatchObject({ type: 'login', success: true, username });

    const again = await guestPost(server.baseUrl, GUEST_SESSIONS_PATH, { invite: token, displayName: '<b>Dana</b> & co' }, from);
    expect(again).toMatchObject({ status: 409, body: { problem: 'name-taken', message: expect.stringContaining('pick another') } });
    for (const bad of ['', '   ', 'x'.repeat(41), 'Dana\u202Eevil', 'bell\u0007']) {
      const answer = await guestPost(server.baseUrl, GUEST_SESSIONS_PATH, { invite: token, displayName: bad }, from);
      expect(answer).toMatchObject({ status: 400, body: { problem: 'invalid-name', message: expect.stringContaining('1-40 characters') } });
    }
  });

  it('keeps guests out of members’ endpoints (403), and never takes a member’s token for a guest’s or the reverse', async () => {
    const token = inviteTokenOf((await invite()).url);
    const session = await joinAsGuest(server.baseUrl, token, 'Erin', nextAddress());
    for (const [method, path] of [['POST', INVITES_PATH], ['GET', INVITES_PATH], ['GET', HISTORY_PATH]]) {
      const response = await fetch(`${server.baseUrl}${path}`, { method, headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
      expect({ path, method, status: response.status }).toEqual({ path, method, status: 403 });
    }
    // The invite token and a guest token are no member's credentials (no sub, another key)...
    expect(await refusedUpgrade(server.wsUrl, token)).toContain('401');
    // ...and a member's JWT (or one signed with the members' key as a guest token) is no guest's.
    expect(await refusedUpgrade(server.wsUrl, await forgedToken('duet-guest+jwt', HS_SECRET, { inv: 'x', inviter: alice, name: guestUsername(alice, 'Erin') }))).toContain('401');
    const bob = await server.login(uniqueName('bob'));
    expect(bob.isOpen).toBe(true);
  });

  it('refuses forged and malformed links and tokens: over HTTP with the problem, at the upgrade with 401', async () => {
    const from = nextAddress();
    const forgedInvite = await forgedToken('duet-invite+jwt', 'not-the-invite-secret-of-this-server-0123456', { inv: 'x', inviter: alice });
    expect(await preview(server.baseUrl, forgedInvite, from)).toMatchObject({ status: 404, body: { problem: 'forged' } });
    expect(await preview(server.baseUrl, 'not-a-token', from)).toMatchObject({ status: 400, body: { problem: 'malformed', message: expect.stringContaining('not an invite link') } });
    expect(await guestPost(server.baseUrl, GUEST_SESSIONS_PATH, '{"invite": 7}', from)).toMatchObject({ status: 400, body: { problem: 'malformed' } });
    const forgedGuest = await forgedToken('duet-guest+jwt', 'not-the-invite-secret-of-this-server-0123456', { inv: 'x', inviter: alice, name: guestUsername(alice, 'Fay') });
    expect(await refusedUpgrade(server.wsUrl, forgedGuest)).toContain('401');
    expect(await refusedUpgrade(server.wsUrl, 'not-a-token')).toContain('401');
  });

  it('refuses a revoked link, and a guest token replayed after the revocation', async () => {
    const link = await invite();
    const token = inviteTokenOf(link.url);
    const from = nextAddress();
    const session = await joinAsGuest(server.baseUrl, token, 'Gus', from);
    const gus = await guest(session.token);
    expect(await loginAsToken(gus)).toMatchObject({ success: true });

    expect((await server.request(alice, 'DELETE', `${INVITES_PATH}/${link.id}`)).status).toBe(204);
    const revoked = { status: 410, body: { problem: 'revoked', message: `${alice} revoked this invite` } };
    expect(await preview(server.baseUrl, token, from)).toMatchObject(revoked);
    expect(await guestPost(server.baseUrl, GUEST_SESSIONS_PATH, { invite: token, displayName: 'Hal' }, from)).toMatchObject(revoked);
    expect(await refusedUpgrade(server.wsUrl, session.token)).toContain('401');
  });

  it('refuses an expired link and its guest token, and ends the guest’s session when the invite does (4401)', async () => {
    // 0.0005 h = 1.8 s, rounded up to the next whole second.
    const link = await invite(alice, 0.0005);
    const token = inviteTokenOf(link.url);
    const from = nextAddress();
    const session = await joinAsGuest(server.baseUrl, token, 'Ida', from);
    expect(session.expiresAt).toBe(link.expiresAt);
    const ida = await guest(session.token);
    expect(await loginAsToken(ida)).toMatchObject({ success: true });
    expect(await ida.closed).toMatchObject({ code: 4401 });
    expect(Date.now()).toBeGreaterThanOrEqual(link.expiresAt);

    expect(await preview(server.baseUrl, token, from)).toMatchObject({ status: 410, body: { problem: 'expired', message: 'This invite link has expired' } });
    expect(await refusedUpgrade(server.wsUrl, session.token)).toContain('401');
  });

  it('limits previews and joins per client address (429), not across addresses', async () => {
    const token = inviteTokenOf((await invite()).url);
    const flooder = nextAddress();
    const answers = await Promise.all(Array.from({ length: 12 }, () => preview(server.baseUrl, token, flooder)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(10);
    // 10 a minute: room for one more every 6 s.
    expect(answers.filter((answer) => answer.status === 429).map((answer) => [answer.body.problem, answer.retryAfter])).toEqual([['rate-limited', '6'], ['rate-limited', '6']]);
    expect((await preview(server.baseUrl, token, nextAddress())).status).toBe(200);
  });

  // Runs last: the tokens of every test above, at every log level the server wrote.
  it('never wrote an invite or guest token to its log', () => {
    expect(issued.length).toBeGreaterThan(5);
    const log = server.output();
    expect(issued.filter((token) => log.includes(token) || log.includes(token.split('.')[2]))).toEqual([]);
  });
});

describe('guests: MAX_GUESTS per instance', () => {
  let push: PushEndpoint;
  let server: AccountsServer;

  beforeAll(async () => {
    requireBuiltServer();
    push = await startPushEndpoint();
    server = await AccountsServer.start({ push, env: { MAX_GUESTS: '1', GUEST_JOINS_PER_MINUTE: '1000' } });
  });
  afterAll(async () => {
    await server?.close();
    await push?.close();
  });

  it('refuses every join with guest-limit (503) while the one guest allowed is online, and lets the next in once it left', async () => {
    const alice = uniqueName('alice');
    const { body } = await server.request(alice, 'POST', INVITES_PATH, {});
    const token = inviteTokenOf((body as CreatedInvite).url);
    const first = await connectAsGuest(server.wsUrl, (await joinAsGuest(server.baseUrl, token, 'Kim')).token);
    expect(await loginAsToken(first)).toMatchObject({ success: true });

    expect(await preview(server.baseUrl, token)).toMatchObject({ status: 200, body: { inviter: alice } });
    const joins = await Promise.all(Array.from({ length: 20 }, (_, n) => guestPost(server.baseUrl, GUEST_SESSIONS_PATH, { invite: token, displayName: `Guest ${n}` })));
    expect(new Set(joins.map((answer) => `${answer.status} ${answer.body.problem}`))).toEqual(new Set(['503 guest-limit']));

    first.close();
    await first.closed;
    const next = await eventually(async () => {
      const answer = await guestPost(server.baseUrl, GUEST_SESSIONS_PATH, { invite: token, displayName: 'Lee' });
      return answer.status === 201 ? answer : undefined;
    }, 'a join once the first guest left');
    expect(next.body).toMatchObject({ username: guestUsername(alice, 'Lee') });
  });
});

/** An embedder's own check: whoever its front end says (`X-User`), and what it was asked. */
@Injectable()
class FrontEndAuthenticator extends ConnectionAuthenticator {
  static readonly asked: string[] = [];
  async authenticate(request: IncomingMessage): Promise<Identity | undefined> {
    const user = request.headers['x-user'];
    FrontEndAuthenticator.asked.push(`${request.headers['sec-websocket-protocol'] ?? ''}|${request.headers.authorization ?? ''}|${user ?? ''}`);
    return typeof user === 'string' ? { username: user } : undefined;
  }
}

describe('guests: in an application with its own authenticator (DuetModule.forRoot, accounts)', () => {
  let app: INestApplication;
  let dataDir: string;
  let baseUrl: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'duet-embed-guests-'));
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', AUTH_MODE: 'jwt', AUTH_JWT_SECRET: HS_SECRET, DATA_DIR: dataDir, PUSH_VAPID_SUBJECT: 'mailto:ops@duet.test' });
    @Module({ imports: [DuetModule.forRoot({ config, authenticator: FrontEndAuthenticator })] })
    class EmbeddingModule {}
    app = await NestFactory.create(EmbeddingModule, { logger: ['error'] });
    useDuetSignaling(app);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets its members make links by its own check, and lets their guests in without ever showing it a guest token', async () => {
    const carol = uniqueName('carol');
    const made = await fetch(`${baseUrl}${INVITES_PATH}`, { method: 'POST', headers: { 'X-User': carol, 'Content-Type': 'application/json' }, body: '{}' });
    expect(made.status).toBe(201);
    const { url } = (await made.json()) as CreatedInvite;
    expect(url.startsWith(`${baseUrl}/join/`)).toBe(true);
    const session = await joinAsGuest(baseUrl, inviteTokenOf(url), 'Jo');

    const asked = FrontEndAuthenticator.asked.length;
    const wsUrl = `${baseUrl.replace('http', 'ws')}/ws`;
    const jo = await connectAsGuest(wsUrl, session.token);
    expect(await loginAsToken(jo)).toMatchObject({ success: true, username: guestUsername(carol, 'Jo') });
    jo.close();
    expect(FrontEndAuthenticator.asked.length).toBe(asked);

    const member = await TestClient.loggedIn(wsUrl, carol, { headers: { 'X-User': carol } });
    expect(FrontEndAuthenticator.asked.length).toBe(asked + 1);
    member.close();
  });
});
