import { startPostgres, startPushEndpoint, PostgresServer, PushEndpoint } from '@duet/testing/processes';
import { CloseCode, CreatedInvite, GUEST_SESSIONS_PATH, GuestSession, INVITES_PATH, JOIN_PATH_PREFIX } from '@duet/shared/protocol';
import { AccountsApi, accountsEnv, AccountsServer } from './support/accounts';
import { ANSWER, CALL_ID, OFFER } from './support/call-flow';
import { Cluster, startCluster } from './support/cluster';
import { uniqueName } from './support/names';
import { requireBuiltServer } from './support/server-process';
import { Received, TestClient } from './support/test-client';
import { hsKey, signToken } from './support/tokens';

/** `inviter`'s new invite: its id and the token in its link. */
async function invite(api: AccountsApi, inviter: string): Promise<{ id: string; token: string }> {
  const answer = await api.request(inviter, 'POST', INVITES_PATH, {});
  if (answer.status !== 201) throw new Error(`inviting as ${inviter}: ${answer.status} ${JSON.stringify(answer.body)}`);
  const created = answer.body as CreatedInvite;
  return { id: created.id, token: created.url.slice(created.url.indexOf(JOIN_PATH_PREFIX) + JOIN_PATH_PREFIX.length) };
}

/** A guest's token, as the join page gets it from the link and the name typed. */
async function join(api: AccountsApi, inviteToken: string, displayName: string): Promise<GuestSession> {
  const answer = await api.request(undefined, 'POST', GUEST_SESSIONS_PATH, { invite: inviteToken, displayName });
  if (answer.status !== 201) throw new Error(`joining as ${displayName}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body as GuestSession;
}

const guestProtocols = (token: string) => ['duet', `access_token.${token}`];

/** A guest's socket, logged in (`named`: stating its own name; else none, as the token names it); resolves after the login reply. */
async function guestLogin(wsUrl: string, session: GuestSession, opened: TestClient[], named = false): Promise<TestClient> {
  const client = await TestClient.connect(wsUrl, { protocols: guestProtocols(session.token) });
  opened.push(client);
  client.send({ type: 'login', ...(named && { username: session.username }) });
  const reply = await client.next('login');
  if (reply['success'] !== true) throw new Error(`guest login failed: ${JSON.stringify(reply)}`);
  return client;
}

/** Whether `message` names `username` anywhere (a presence, a list, a search answer). */
const names = (message: Received, username: string) => JSON.stringify(message).includes(JSON.stringify(username).slice(1, -1));

describe('guests in signaling: one server', () => {
  let push: PushEndpoint;
  let server: AccountsServer;
  const guests: TestClient[] = [];

  beforeAll(async () => {
    requireBuiltServer();
    push = await startPushEndpoint();
    server = await AccountsServer.start({ push });
  });
  afterEach(() => {
    guests.splice(0).forEach((client) => client.close());
    server.closeClients();
  });
  afterAll(async () => {
    await server?.close();
    await push?.close();
  });

  it('shows a guest no one but its inviter, and no member the guest', async () => {
    const [aliceName, carolName, danName] = [uniqueName('alice'), uniqueName('carol'), uniqueName('dan')];
    const alice = await server.login(aliceName);
    const carol = await server.login(carolName);
    const session = await join(server, (await invite(server, aliceName)).token, 'Bob');
    expect(session.username).toBe(`guest:${aliceName}:Bob`);
    const bob = await guestLogin(server.wsUrl, session, guests);
    expect(await bob.next()).toEqual({ type: 'presence', username: aliceName, online: true });
    expect(await alice.next('guest')).toEqual({ type: 'guest', username: session.username, online: true });

    bob.send({ type: 'search', prefix: '' });
    expect(await bob.next()).toMatchObject({ type: 'error', code: 'forbidden', replyTo: 'search' });
    const dan = await server.login(danName);
    expect(dan.log.find((message) => message['type'] === 'users')?.['users']).toEqual(expect.not.arrayContaining([session.username]));
    dan.send({ type: 'search', prefix: 'g' });
    expect((await dan.next('search'))['users']).toEqual([]);
    dan.close();
    await alice.nextWhere((message) => message['type'] === 'presence' && message['username'] === danName && message['online'] === false, 'dan left');
    await Promise.all([bob.sync(), carol.sync()]);
    // The guest heard of dan neither coming nor going; the members never heard of the guest.
    expect(bob.log.filter((message) => message['type'] !== 'error')).toEqual([
      expect.objectContaining({ type: 'login', success: true, username: session.username }),
      { type: 'presence', username: aliceName, online: true },
    ]);
    expect(carol.log.filter((message) => names(message, session.username))).toEqual([]);
  });

  it('keeps the guest namespace from members, and gives a guest named like a member another name', async () => {
    const [aliceName, carolName] = [uniqueName('alice'), uniqueName('carol')];
    // An identity provider's token naming a guest is no member's token.
    const forged = await signToken(hsKey(), 'HS256', { sub: `guest:${aliceName}:Eve` });
    await expect(TestClient.connect(server.wsUrl, { protocols: guestProtocols(forged) })).rejects.toThrow(/401/);
    const member = await TestClient.connect(server.wsUrl, { protocols: guestProtocols(await server.token(carolName)) });
    guests.push(member);
    member.send({ type: 'login', username: `guest:${aliceName}:Eve` });
    expect(await member.next('login')).toMatchObject({ success: false, reason: 'forbidden' });
    const carol = await server.login(carolName);
    const alice = await server.login(aliceName);
    const session = await join(server, (await invite(server, aliceName)).token, carolName);
    expect(session.username).toBe(`guest:${aliceName}:${carolName}`);
    await guestLogin(server.wsUrl, session, guests);
    // alice's call to "carol" still reaches the member.
    alice.send({ type: 'offer', offer: OFFER, otherUsername: carolName });
    expect(await carol.next('offer')).toMatchObject({ username: aliceName });
  });

  it("refuses a guest's call to anyone but its inviter: the member hears nothing", async () => {
    const [aliceName, carolName] = [uniqueName('alice'), uniqueName('carol')];
    await server.login(aliceName);
    const carol = await server.login(carolName);
    const bob = await guestLogin(server.wsUrl, await join(server, (await invite(server, aliceName)).token, 'Bob'), guests);
    for (const callee of [carolName, uniqueName('offline')]) {
      bob.send({ type: 'offer', offer: OFFER, otherUsername: callee });
      expect(await bob.next('error')).toMatchObject({ code: 'forbidden', replyTo: 'offer', message: expect.stringMatching(/guest/) });
    }
    await carol.sync();
    expect(carol.callMessages().filter((message) => message['type'] !== 'error' && message['type'] !== 'login')).toEqual([]);
  });

  it.each([['the guest calls its inviter'], ['the inviter calls its guest']])('relays a call when %s', async (which) => {
    const aliceName = uniqueName('alice');
    const alice = await server.login(aliceName);
    const session = await join(server, (await invite(server, aliceName)).token, 'Bob');
    const bob = await guestLogin(server.wsUrl, session, guests);
    const [caller, callerName, callee, calleeName] =
      which === 'the guest calls its inviter' ? [bob, session.username, alice, aliceName] : [alice, aliceName, bob, session.username];
    caller.send({ type: 'offer', offer: OFFER, otherUsername: calleeName });
    const offer = await callee.next('offer');
    expect(offer).toEqual({ type: 'offer', offer: OFFER, username: callerName, callId: CALL_ID });
    callee.send({ type: 'answer', answer: ANSWER, otherUsername: callerName, callId: offer['callId'] });
    expect(await caller.next('answer')).toEqual({ type: 'answer', answer: ANSWER, username: calleeName, callId: offer['callId'] });
  });

  it('tells the inviter its guest left, and its guests online when it signs in', async () => {
    const aliceName = uniqueName('alice');
    const session = await join(server, (await invite(server, aliceName)).token, 'Bob');
    const bob = await guestLogin(server.wsUrl, session, guests, true);
    expect(await bob.next('presence')).toEqual({ type: 'presence', username: aliceName, online: false });
    const alice = await server.login(aliceName);
    expect(await alice.next('guest')).toEqual({ type: 'guest', username: session.username, online: true });
    expect(await bob.next('presence')).toEqual({ type: 'presence', username: aliceName, online: true });
    bob.close();
    expect(await alice.next('guest')).toEqual({ type: 'guest', username: session.username, online: false });
  });

  it("closes a revoked guest's socket with 4403 and refuses its token after", async () => {
    const aliceName = uniqueName('alice');
    const alice = await server.login(aliceName);
    const { id, token } = await invite(server, aliceName);
    const session = await join(server, token, 'Bob');
    const bob = await guestLogin(server.wsUrl, session, guests);
    expect(await alice.next('guest')).toEqual({ type: 'guest', username: session.username, online: true });
    expect((await server.request(aliceName, 'DELETE', `${INVITES_PATH}/${id}`)).status).toBe(204);
    expect((await bob.closed).code).toBe(CloseCode.accessRevoked);
    expect(await alice.next('guest')).toEqual({ type: 'guest', username: session.username, online: false });
    await expect(TestClient.connect(server.wsUrl, { protocols: guestProtocols(session.token) })).rejects.toThrow(/401/);
  });
});

/** Two instances on one Redis and one PostgreSQL: the inviter on one, the guest on the other. */
describe('guests in signaling: a cluster', () => {
  let push: PushEndpoint;
  let postgres: PostgresServer;
  let cluster: Cluster;
  let one: AccountsApi;
  let two: AccountsApi;
  const guests: TestClient[] = [];

  beforeAll(async () => {
    requireBuiltServer();
    push = await startPushEndpoint();
    postgres = await startPostgres();
    const databaseUrl = await postgres.createDatabase('duet_guests');
    cluster = await startCluster(2, { ...accountsEnv(push), DATABASE_URL: databaseUrl });
    [one, two] = cluster.instances.map((instance) => new AccountsApi(() => instance, push));
  });
  afterAll(async () => {
    guests.splice(0).forEach((client) => client.close());
    one?.closeClients();
    two?.closeClients();
    await cluster?.stop();
    await postgres?.stop();
    await push?.close();
  });

  it('keeps the rules across instances, and a revocation on one closes the guest on the other', async () => {
    const [aliceName, carolName] = [uniqueName('alice'), uniqueName('carol')];
    const alice = await one.login(aliceName);
    const carol = await one.login(carolName);
    const { id, token } = await invite(one, aliceName);
    const session = await join(two, token, 'Bob');
    const bob = await guestLogin(two.wsUrl, session, guests);
    expect(await bob.next('presence')).toEqual({ type: 'presence', username: aliceName, online: true });
    expect(await alice.next('guest')).toEqual({ type: 'guest', username: session.username, online: true });
    bob.send({ type: 'offer', offer: OFFER, otherUsername: carolName });
    expect(await bob.next('error')).toMatchObject({ code: 'forbidden', replyTo: 'offer' });
    bob.send({ type: 'offer', offer: OFFER, otherUsername: aliceName });
    expect(await alice.next('offer')).toMatchObject({ username: session.username });

    expect((await one.request(aliceName, 'DELETE', `${INVITES_PATH}/${id}`)).status).toBe(204);
    expect((await bob.closed).code).toBe(CloseCode.accessRevoked);
    expect(await alice.next('guest')).toEqual({ type: 'guest', username: session.username, online: false });
    await expect(TestClient.connect(two.wsUrl, { protocols: guestProtocols(session.token) })).rejects.toThrow(/401/);
    await carol.sync();
    expect(carol.log.filter((message) => names(message, session.username))).toEqual([]);
  });
});
