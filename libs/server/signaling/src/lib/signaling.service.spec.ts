import { loadConfig } from '@duet/server/config';
import { ConfiguredIceServerIssuer } from '@duet/server/ice';
import { Logger } from '@nestjs/common';
import { fakeSession } from '../testing/fake-session';
import { InspectableRegistry } from '../testing/inspectable-registry';
import { signalingService } from '../testing/signaling-service';
import { PresenceService } from './presence.service';
import { ResumeService } from './resume.service';
import { LocalRingTimer } from './ring-timer';
import { SignalingOptions } from './signaling-options';
import { SignalingService } from './signaling.service';
import { MAX_RELAY_BACKLOG_BYTES } from './transport/backlog';
import { RegistryUnavailableError } from './user-registry.service';

type Client = ReturnType<typeof fakeSession>;

const OFFER = { type: 'offer', sdp: 'v=0' } as const;
const ANSWER = { type: 'answer', sdp: 'v=0' } as const;
const CALL_ID = expect.stringMatching(/^[\w-]{16}$/);

describe(SignalingService.name, () => {
  const options: SignalingOptions = {
    presenceLimit: 10,
    trustProxy: { mode: 'off' },
    publicOrigin: undefined,
    allowedOrigins: undefined,
    limits: { ...loadConfig({}).limits, ringTimeoutMs: 50, resumeWindowMs: 1_000 },
  };
  let registry: InspectableRegistry;
  let resumption: ResumeService;
  let rings: LocalRingTimer;
  let service: SignalingService;

  beforeEach(() => {
    registry = new InspectableRegistry();
    const presence = new PresenceService(registry, options);
    resumption = new ResumeService(registry, presence, options);
    const ice = new ConfiguredIceServerIssuer({ servers: [{ urls: 'stun:stun.test' }], turn: undefined, transportPolicy: 'all' });
    rings = new LocalRingTimer(options);
    service = signalingService({ registry, presence, resumption, ice, options, rings }).service;
  });
  // What the app's shutdown does: no timer of this test may fire into the next one.
  afterEach(() => {
    rings.onModuleDestroy();
    resumption.onModuleDestroy();
    jest.useRealTimers();
    expect(registry.violations()).toEqual([]);
  });

  /** `resume`: the client opts in to resume, as the web app does; the tutorial's clients do not. */
  async function loggedIn(username: string, { resume = false, address = '' } = {}): Promise<Client> {
    const client = fakeSession({}, address);
    await service.login(client.session, { type: 'login', username, ...(resume && { resume }) });
    client.sent.length = 0;
    return client;
  }

  /** bob answers alice's offer; the call's id. */
  async function inCallAnswered(bob: Client): Promise<string> {
    await service.answer(bob.session, { type: 'answer', answer: ANSWER, otherUsername: 'alice' });
    return (bob.sent.find((message) => message.type === 'offer') as { callId: string }).callId;
  }

  /** alice calls bob and bob answers; returns the call's id, with both logs cleared. */
  async function inCall(alice: Client, bob: Client): Promise<string> {
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    await service.answer(bob.session, { type: 'answer', answer: ANSWER, otherUsername: 'alice' });
    const callId = (alice.sent.find((message) => message.type === 'ringing') as { callId: string }).callId;
    alice.sent.length = 0;
    bob.sent.length = 0;
    return callId;
  }

  it('tells CallActivation of both parties, answerer first, once the answer is accepted', async () => {
    const activated: [string, string[]][] = [];
    const activation = { activated: (callId: string, parties: readonly { username: string }[]) => void activated.push([callId, parties.map((party) => party.username)]) };
    const presence = new PresenceService(registry, options);
    const ice = new ConfiguredIceServerIssuer({ servers: [], turn: undefined, transportPolicy: 'all' });
    service = signalingService({ registry, presence, resumption, ice, options, rings, activation }).service;
    const [alice, bob] = [await loggedIn('alice'), await loggedIn('bob')];
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    expect(activated).toEqual([]);
    const callId = await inCallAnswered(bob);
    expect(activated).toEqual([[callId, ['bob', 'alice']]]);
  });

  it('logs a user in, hands over the ICE servers and the list of who is online', async () => {
    const { session, sent } = fakeSession();
    await service.login(session, { type: 'login', username: 'alice' });
    expect(sent).toEqual([
      { type: 'login', success: true, username: 'alice', iceServers: [{ urls: 'stun:stun.test' }], iceTransportPolicy: 'all', resumed: false },
      { type: 'users', users: ['alice'], total: 1, truncated: false },
    ]);
    expect(session.username).toBe('alice');
  });

  it('hands a resume token and the window to a client that opts in to resume', async () => {
    const { session, sent } = fakeSession();
    await service.login(session, { type: 'login', username: 'alice', resume: true });
    expect(sent[0]).toEqual({
      type: 'login',
      success: true,
      username: 'alice',
      iceServers: [{ urls: 'stun:stun.test' }],
      iceTransportPolicy: 'all',
      resumeWindowMs: 1_000,
      ringTimeoutMs: 50,
      resumeToken: session.resumeToken,
      resumed: false,
    });
  });

  it('tells the others when someone logs in and when they leave', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    expect(alice.sent).toEqual([{ type: 'presence', username: 'bob', online: true }]);
    await service.disconnect(bob.session, { dropped: false });
    expect(alice.sent).toEqual([
      { type: 'presence', username: 'bob', online: true },
      { type: 'presence', username: 'bob', online: false },
    ]);
  });

  it('answers a search with the online names that start with it, once logged in', async () => {
    const { session, sent } = fakeSession();
    await service.search(session, { type: 'search', prefix: 'a' });
    expect(sent).toEqual([{ type: 'error', code: 'not-logged-in', message: 'log in first', replyTo: 'search' }]);
    const alice = await loggedIn('alice');
    await loggedIn('Albert');
    await loggedIn('bob');
    await service.search(alice.session, { type: 'search', prefix: 'AL' });
    expect(alice.sent.filter((message) => message.type === 'search')).toEqual([{ type: 'search', prefix: 'AL', users: ['Albert', 'alice'], more: false }]);
  });

  it('refuses a login as unavailable, changing nothing, when the registry cannot decide', async () => {
    jest.spyOn(registry, 'register').mockRejectedValueOnce(new RegistryUnavailableError('Redis unreachable'));
    const { session, sent } = fakeSession();
    await service.login(session, { type: 'login', username: 'alice' });
    expect(sent).toEqual([
      { type: 'login', success: false, reason: 'unavailable', message: 'the server cannot reach its directory of users just now; try again in a moment' },
    ]);
    expect(session.username).toBeUndefined();
    await service.login(session, { type: 'login', username: 'alice' });
    expect(session.username).toBe('alice');
  });

  it('answers an invalid login as a failed login, and other violations as errors', async () => {
    const { session, sent } = fakeSession();
    await service.reject(session, { code: 'invalid-message', message: 'username: bad', replyTo: 'login' });
    await service.reject(session, { code: 'unknown-type', message: 'unknown', replyTo: 'hello' });
    expect(sent).toEqual([
      { type: 'login', success: false, reason: 'invalid', message: 'username: bad' },
      { type: 'error', code: 'unknown-type', message: 'unknown', replyTo: 'hello' },
    ]);
  });

  it('relays an offer under the sender name the server knows, naming the call to both', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    alice.sent.length = 0;
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'BOB' });
    expect(alice.sent).toEqual([{ type: 'ringing', username: 'bob', callId: CALL_ID }]);
    expect(bob.sent).toEqual([{ type: 'offer', offer: OFFER, username: 'alice', callId: (alice.sent[0] as { callId: string }).callId }]);
  });

  it('relays the rejoin key of a page calling back after a reload, as sent', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob', rejoin: 'k'.repeat(32) });
    expect(bob.sent).toEqual([{ type: 'offer', offer: OFFER, username: 'alice', callId: expect.any(String), rejoin: 'k'.repeat(32) }]);
  });

  it('sends busy to a caller whose callee is in another call', async () => {
    const alice = await loggedIn('alice');
    await loggedIn('bob');
    const carol = await loggedIn('carol');
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    await service.offer(carol.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    expect(carol.sent).toEqual([
      // Told when the call started: both are busy now.
      { type: 'presence', username: 'alice', online: true, busy: true },
      { type: 'presence', username: 'bob', online: true, busy: true },
      { type: 'decline', username: 'bob', reason: 'busy' },
    ]);
  });

  it('tells the others who is in a call, in the list, in search answers and as calls start and end, never the parties themselves', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    const carol = await loggedIn('carol');
    alice.sent.length = 0;
    bob.sent.length = 0;
    const callId = await inCall(alice, bob);
    expect(carol.sent).toEqual([
      { type: 'presence', username: 'alice', online: true, busy: true },
      { type: 'presence', username: 'bob', online: true, busy: true },
    ]);
    expect(alice.sent.concat(bob.sent).filter((message) => message.type === 'presence')).toEqual([]);
    const dave = fakeSession();
    await service.login(dave.session, { type: 'login', username: 'dave' });
    expect(dave.sent[1]).toEqual({ type: 'users', users: ['alice', 'bob', 'carol', 'dave'], total: 4, truncated: false, busy: ['alice', 'bob'] });
    await service.search(dave.session, { type: 'search', prefix: '' });
    expect(dave.sent.at(-1)).toEqual({ type: 'search', prefix: '', users: ['alice', 'bob', 'carol', 'dave'], more: false, busy: ['alice', 'bob'] });
    carol.sent.length = 0;
    await service.close(alice.session, { type: 'close', otherUsername: 'bob', callId });
    expect(carol.sent).toEqual([
      { type: 'presence', username: 'alice', online: true, busy: false },
      { type: 'presence', username: 'bob', online: true, busy: false },
    ]);
  });

  it('tells the peer when a user in a call closes its socket', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    const callId = await inCall(alice, bob);
    await service.disconnect(bob.session, { dropped: false });
    expect(alice.sent).toEqual([
      { type: 'close', username: 'bob', reason: 'disconnected', callId },
      { type: 'presence', username: 'bob', online: false },
    ]);
  });

  it('does nothing on the disconnect of a socket that never logged in', async () => {
    const alice = await loggedIn('alice');
    await service.disconnect(fakeSession().session, { dropped: true });
    expect(alice.sent).toEqual([]);
    expect(registry.inspect().users).toEqual(['alice']);
  });

  it('lets an authenticated connection log in only under its own name', async () => {
    const { session, sent } = fakeSession({ username: 'Alice' });
    await service.login(session, { type: 'login', username: 'mallory' });
    expect(sent).toEqual([
      {
        type: 'login',
        success: false,
        reason: 'forbidden',
        message: 'this connection is authenticated as Alice and may only log in as Alice',
      },
    ]);
    await service.login(session, { type: 'login', username: 'alice' });
    expect(sent[1]).toMatchObject({ type: 'login', success: true, username: 'alice' });
  });

  it('logs a name-less login in as the name its credentials carry, and refuses one without such credentials', async () => {
    const named = fakeSession({ username: 'alice@contoso.com' });
    await service.login(named.session, { type: 'login' });
    expect(named.sent[0]).toMatchObject({ type: 'login', success: true, username: 'alice@contoso.com' });
    expect(registry.inspect().users).toEqual(['alice@contoso.com']);
    const anonymous = fakeSession();
    await service.login(anonymous.session, { type: 'login' });
    expect(anonymous.sent).toEqual([
      {
        type: 'login',
        success: false,
        reason: 'invalid',
        message: expect.stringMatching(/^username: required, as this connection's credentials name no user; it must be 1-64 characters/),
      },
    ]);
    expect(anonymous.session.username).toBeUndefined();
  });

  it('ends a call nobody answers and tells both sides it timed out', async () => {
    jest.useFakeTimers();
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    alice.sent.length = 0;
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    const callId = (alice.sent[0] as { callId: string }).callId;
    alice.sent.length = 0;
    bob.sent.length = 0;
    await jest.advanceTimersByTimeAsync(options.limits.ringTimeoutMs - 1);
    expect(alice.sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(alice.sent).toEqual([{ type: 'close', username: 'bob', reason: 'timeout', callId }]);
    expect(bob.sent).toEqual([{ type: 'close', username: 'alice', reason: 'timeout', callId }]);
    expect(registry.inspect().calls).toEqual([]);
  });

  it('lets an answered call outlive the ring timeout, whose timer is gone', async () => {
    jest.useFakeTimers();
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    await inCall(alice, bob);
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(options.limits.ringTimeoutMs * 2);
    expect(registry.inspect().calls).toEqual([{ caller: 'alice', callee: 'bob', state: 'active' }]);
  });

  it('lets only the party that received the offer answer it', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    alice.sent.length = 0;
    bob.sent.length = 0;
    await service.answer(alice.session, { type: 'answer', answer: ANSWER, otherUsername: 'bob' });
    expect(alice.sent).toEqual([
      { type: 'error', code: 'no-offer', message: 'you hold no offer from bob to answer', replyTo: 'answer' },
    ]);
    expect(bob.sent).toEqual([]);
    // The call still rings for bob, who can decline it and is then free.
    await service.decline(bob.session, { type: 'decline', otherUsername: 'alice' });
    expect(alice.sent[1]).toEqual({ type: 'decline', username: 'bob', reason: 'declined', callId: CALL_ID });
    expect(registry.inspect().calls).toEqual([]);
  });

  it('relays one offer to a ringing callee, not a stream of them', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    alice.sent.length = 0;
    for (let i = 0; i < 3; i++) await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    expect(bob.sent).toEqual([{ type: 'offer', offer: OFFER, username: 'alice', callId: CALL_ID }]);
    expect(alice.sent.map((message) => (message.type === 'error' ? message.code : message.type))).toEqual([
      'ringing',
      'offer-pending',
      'offer-pending',
    ]);
  });

  it('refuses a message of a call that has ended, so it cannot reach the next one', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    const old = await inCall(alice, bob);
    await service.close(alice.session, { type: 'close', otherUsername: 'bob', callId: old });
    await inCall(alice, bob);
    await service.close(bob.session, { type: 'close', otherUsername: 'alice', callId: old });
    await service.candidate(bob.session, { type: 'candidate', candidate: { candidate: 'c' }, otherUsername: 'alice', callId: old });
    expect(alice.sent).toEqual([]);
    expect(bob.sent.map((message) => message.type === 'error' && message.code)).toEqual(['stale-call', 'stale-call']);
    expect(registry.inspect().calls).toEqual([{ caller: 'alice', callee: 'bob', state: 'active' }]);
  });

  it('refuses to relay to a peer that is behind, without disconnecting it', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    const callId = await inCall(alice, bob);
    bob.socket.bufferedAmount = MAX_RELAY_BACKLOG_BYTES + 1;
    await service.candidate(alice.session, { type: 'candidate', candidate: { candidate: 'c' }, otherUsername: 'bob' });
    expect(bob.sent).toEqual([]);
    expect(bob.socket.terminate).not.toHaveBeenCalled();
    expect(alice.sent).toEqual([
      {
        type: 'error',
        code: 'peer-backlogged',
        message: 'the other side is not keeping up; this message was dropped',
        replyTo: 'candidate',
      },
    ]);
    // The server's own messages still reach it, within the whole bound.
    await service.close(alice.session, { type: 'close', otherUsername: 'bob' });
    expect(bob.sent).toEqual([{ type: 'close', username: 'alice', reason: 'hangup', callId }]);
  });

  it('sends fresh TURN credentials before the ones given at login expire, until the session ends', async () => {
    jest.useFakeTimers({ now: 1_699_999_400_000 });
    const turn = { secret: 'a-turn-secret-of-some-length', urls: ['turn:t.test:3478'], ttlSeconds: 600 };
    const ice = new ConfiguredIceServerIssuer({ servers: [], turn, transportPolicy: 'relay' });
    const presence = new PresenceService(registry, options);
    const withTurn = signalingService({ registry, presence, resumption, ice, options, rings }).service;
    const { session, sent } = fakeSession();
    await withTurn.login(session, { type: 'login', username: 'alice' });
    expect(sent[0]).toMatchObject({
      iceServers: [{ urls: ['turn:t.test:3478'], username: '1700000000:alice', credential: '2enbcf1rSTBzbYqXF2Luf3+24/8=' }],
      iceTransportPolicy: 'relay',
    });
    sent.length = 0;
    await jest.advanceTimersByTimeAsync(480_000);
    expect(sent).toEqual([
      { type: 'ice-servers', iceServers: [{ urls: ['turn:t.test:3478'], username: '1700000480:alice', credential: expect.any(String) }], iceTransportPolicy: 'relay' },
    ]);
    session.dispose();
    expect(jest.getTimerCount()).toBe(0);
    await withTurn.disconnect(session, { dropped: false });
  });

  describe('resume', () => {
    it("ends a dropped session at once when its client did not opt in (the tutorial's clients)", async () => {
      const alice = await loggedIn('alice');
      const bob = await loggedIn('bob');
      const callId = await inCall(alice, bob);
      await service.disconnect(bob.session, { dropped: true });
      expect(alice.sent).toEqual([
        { type: 'close', username: 'bob', reason: 'disconnected', callId },
        { type: 'presence', username: 'bob', online: false },
      ]);
      const again = fakeSession();
      await service.login(again.session, { type: 'login', username: 'bob' });
      expect(again.sent[0]).toMatchObject({ success: true, resumed: false });
      expect(resumption.heldSessions).toBe(0);
    });

    it('takes no token from a session that did not opt in, even while its socket looks alive', async () => {
      const bob = await loggedIn('bob');
      const thief = fakeSession();
      await service.login(thief.session, { type: 'login', username: 'bob', resumeToken: bob.session.resumeToken });
      expect(thief.sent[0]).toMatchObject({ success: false, reason: 'taken' });
      expect(bob.socket.terminate).not.toHaveBeenCalled();
    });

    it('holds no more dropped sessions per address than the per-address connection cap; past that a drop ends at once', async () => {
      const held = { ...options, limits: { ...options.limits, maxConnectionsPerIp: 2 } };
      resumption.onModuleDestroy();
      const presence = new PresenceService(registry, held);
      resumption = new ResumeService(registry, presence, held);
      const ice = new ConfiguredIceServerIssuer({ servers: [], turn: undefined, transportPolicy: 'all' });
      service = signalingService({ registry, presence, resumption, ice, options: held, rings }).service;
      const fromOne = await Promise.all(['a1', 'a2', 'a3'].map((name) => loggedIn(name, { resume: true, address: '192.0.2.1' })));
      const fromOther = await loggedIn('b1', { resume: true, address: '192.0.2.2' });
      for (const { session } of [...fromOne, fromOther]) await service.disconnect(session, { dropped: true });
      expect(resumption.heldSessions).toBe(3);
      expect(registry.inspect().users).toEqual(['a1', 'a2', 'b1']);
      // A held session taken over frees its place.
      const back = fakeSession({}, '192.0.2.1');
      await service.login(back.session, { type: 'login', username: 'a1', resumeToken: fromOne[0].session.resumeToken });
      expect(back.sent[0]).toMatchObject({ success: true, resumed: true });
      expect(resumption.heldSessions).toBe(2);
    });

    it('holds a dropped session: the peer hears "reconnecting", messages wait, and the token takes it all back', async () => {
      const alice = await loggedIn('alice');
      const bob = await loggedIn('bob', { resume: true });
      const callId = await inCall(alice, bob);
      const token = bob.session.resumeToken;
      await service.disconnect(bob.session, { dropped: true });
      expect(alice.sent).toEqual([{ type: 'reconnecting', username: 'bob', callId }]);
      await service.candidate(alice.session, { type: 'candidate', candidate: { candidate: 'c1' }, otherUsername: 'bob' });
      await service.candidate(alice.session, { type: 'candidate', candidate: { candidate: 'c2' }, otherUsername: 'bob', callId });

      const back = fakeSession();
      await service.login(back.session, { type: 'login', username: 'bob', resumeToken: token });
      expect(back.sent).toEqual([
        {
          type: 'login',
          success: true,
          username: 'bob',
          iceServers: [{ urls: 'stun:stun.test' }],
          iceTransportPolicy: 'all',
          resumeWindowMs: 1_000,
          ringTimeoutMs: 50,
          resumeToken: back.session.resumeToken,
          resumed: true,
          call: { callId, otherUsername: 'alice', state: 'active' },
        },
        { type: 'users', users: ['alice', 'bob'], total: 2, truncated: false, busy: ['alice', 'bob'] },
        { type: 'candidate', candidate: { candidate: 'c1' }, username: 'alice', callId },
        { type: 'candidate', candidate: { candidate: 'c2' }, username: 'alice', callId },
      ]);
      expect(back.session.resumeToken).not.toBe(token);
      expect(alice.sent.at(-1)).toEqual({ type: 'reconnected', username: 'bob', callId });
      // The call goes on through the new socket.
      await service.candidate(alice.session, { type: 'candidate', candidate: { candidate: 'c3' }, otherUsername: 'bob' });
      expect(back.sent.at(-1)).toEqual({ type: 'candidate', candidate: { candidate: 'c3' }, username: 'alice', callId });
    });

    it('takes over a session whose old socket is not yet seen to be dead, and drops that socket', async () => {
      const bob = await loggedIn('bob', { resume: true });
      const back = fakeSession();
      await service.login(back.session, { type: 'login', username: 'bob', resumeToken: bob.session.resumeToken });
      expect(back.sent[0]).toMatchObject({ success: true, resumed: true });
      expect(bob.socket.terminate).toHaveBeenCalled();
      // The old socket's close, when it comes, ends nothing.
      await service.disconnect(bob.session, { dropped: true });
      expect(registry.inspect().users).toEqual(['bob']);
    });

    it('accepts a token once, and only for its own name', async () => {
      const bob = await loggedIn('bob', { resume: true });
      await loggedIn('carol');
      const token = bob.session.resumeToken;
      await service.disconnect(bob.session, { dropped: true });
      const thief = fakeSession();
      await service.login(thief.session, { type: 'login', username: 'carol', resumeToken: token });
      expect(thief.sent[0]).toMatchObject({ success: false, reason: 'taken' });
      const back = fakeSession();
      await service.login(back.session, { type: 'login', username: 'bob', resumeToken: token });
      expect(back.sent[0]).toMatchObject({ success: true, resumed: true });
      const replay = fakeSession();
      await service.login(replay.session, { type: 'login', username: 'bob', resumeToken: token });
      expect(replay.sent[0]).toMatchObject({ success: false, reason: 'taken' });
    });

    it('ends the session when the window passes: name freed, the peer told the call ended', async () => {
      jest.useFakeTimers();
      const alice = await loggedIn('alice');
      const bob = await loggedIn('bob', { resume: true });
      const callId = await inCall(alice, bob);
      await service.disconnect(bob.session, { dropped: true });
      alice.sent.length = 0;
      await jest.advanceTimersByTimeAsync(options.limits.resumeWindowMs);
      expect(alice.sent).toEqual([
        { type: 'close', username: 'bob', reason: 'disconnected', callId },
        { type: 'presence', username: 'bob', online: false },
      ]);
      const late = fakeSession();
      await service.login(late.session, { type: 'login', username: 'bob', resumeToken: bob.session.resumeToken });
      expect(late.sent[0]).toMatchObject({ success: true, resumed: false });
    });

    it('survives a registry that cannot answer when the window passes (logged, never an unhandled rejection)', async () => {
      jest.useFakeTimers();
      const unhandled: unknown[] = [];
      const record = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', record);
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        const bob = await loggedIn('bob', { resume: true });
        await service.disconnect(bob.session, { dropped: true });
        jest.spyOn(registry, 'unregister').mockRejectedValue(new RegistryUnavailableError('Redis did not answer'));
        await jest.advanceTimersByTimeAsync(options.limits.resumeWindowMs);
        jest.useRealTimers();
        await new Promise((resolve) => setImmediate(resolve));
        expect(unhandled).toEqual([]);
        expect(warn).toHaveBeenCalledWith(expect.stringContaining('Redis did not answer'));
      } finally {
        process.off('unhandledRejection', record);
      }
    });

    it('ends a cleanly closed session at once', async () => {
      const alice = await loggedIn('alice');
      const bob = await loggedIn('bob');
      const callId = await inCall(alice, bob);
      await service.disconnect(bob.session, { dropped: false });
      expect(alice.sent[0]).toEqual({ type: 'close', username: 'bob', reason: 'disconnected', callId });
    });

    it('restores a call after a restart when both parties claim it', async () => {
      const alice = fakeSession();
      const bob = fakeSession();
      const call = (otherUsername: string) => ({ callId: 'lost-call', otherUsername });
      await service.login(alice.session, { type: 'login', username: 'alice', call: call('bob') });
      await service.login(bob.session, { type: 'login', username: 'bob', call: call('alice') });
      expect(alice.sent.at(-1)).toEqual({ type: 'reconnected', username: 'bob', callId: 'lost-call' });
      expect(bob.sent.at(-1)).toEqual({ type: 'reconnected', username: 'alice', callId: 'lost-call' });
      await service.candidate(bob.session, { type: 'candidate', candidate: { candidate: 'c' }, otherUsername: 'alice', callId: 'lost-call' });
      expect(alice.sent.at(-1)).toEqual({ type: 'candidate', candidate: { candidate: 'c' }, username: 'bob', callId: 'lost-call' });
    });

    it('tells a claimant the call ended when its peer does not claim it in time', async () => {
      jest.useFakeTimers();
      const alice = fakeSession();
      await service.login(alice.session, { type: 'login', username: 'alice', call: { callId: 'lost-call', otherUsername: 'bob' } });
      alice.sent.length = 0;
      await jest.advanceTimersByTimeAsync(options.limits.resumeWindowMs);
      expect(alice.sent).toEqual([{ type: 'close', username: 'bob', reason: 'disconnected', callId: 'lost-call' }]);
    });
  });
});
