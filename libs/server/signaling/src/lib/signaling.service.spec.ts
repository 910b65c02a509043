import { Identity } from '@duet/server/auth';
import { ServerMessage } from '@duet/shared/protocol';
import { WebSocket } from 'ws';
import { InspectableRegistry } from '../testing/inspectable-registry';
import { PresenceService } from './presence.service';
import { Session } from './session';
import { loadConfig } from '@duet/server/config';
import { SignalingOptions } from './signaling-options';
import { SignalingService } from './signaling.service';
import { MAX_RELAY_BACKLOG_BYTES } from './transport/backlog';

/** A session whose socket records what it is sent: the only fake here. */
function fakeSession(identity: Identity = {}) {
  const sent: ServerMessage[] = [];
  const socket = {
    readyState: WebSocket.OPEN,
    /** What the client has not read yet; a test raises it to play a stalled reader. */
    bufferedAmount: 0,
    send: (frame: string) => sent.push(JSON.parse(frame)),
    terminate: jest.fn(),
  };
  return { session: new Session(socket as unknown as WebSocket, identity), sent, socket };
}

const OFFER = { type: 'offer', sdp: 'v=0' } as const;
const ANSWER = { type: 'answer', sdp: 'v=0' } as const;

describe(SignalingService.name, () => {
  const options: SignalingOptions = {
    iceServers: [{ urls: 'stun:stun.test' }],
    presenceLimit: 10,
    publicOrigin: undefined,
    allowedOrigins: undefined,
    limits: { ...loadConfig({}).limits, ringTimeoutMs: 50 },
  };
  let registry: InspectableRegistry;
  let service: SignalingService;

  beforeEach(() => {
    registry = new InspectableRegistry();
    service = new SignalingService(registry, new PresenceService(registry, options), options);
  });
  // What the app's shutdown does: no ring timeout of this test may fire into the next one.
  afterEach(() => {
    service.onModuleDestroy();
    jest.useRealTimers();
  });

  async function loggedIn(username: string) {
    const client = fakeSession();
    await service.login(client.session, { type: 'login', username });
    client.sent.length = 0;
    return client;
  }

  it('logs a user in, hands over the ICE servers and the list of who is online', async () => {
    const { session, sent } = fakeSession();
    await service.login(session, { type: 'login', username: 'alice' });
    expect(sent).toEqual([
      { type: 'login', success: true, username: 'alice', iceServers: [{ urls: 'stun:stun.test' }] },
      { type: 'users', users: ['alice'], total: 1, truncated: false },
    ]);
    expect(session.username).toBe('alice');
  });

  it('tells the others when someone logs in and when they leave', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    expect(alice.sent).toEqual([{ type: 'presence', username: 'bob', online: true }]);
    await service.disconnect(bob.session);
    expect(alice.sent).toEqual([
      { type: 'presence', username: 'bob', online: true },
      { type: 'presence', username: 'bob', online: false },
    ]);
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

  it('relays an offer under the sender name the server knows', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    alice.sent.length = 0;
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'BOB' });
    expect(bob.sent).toEqual([{ type: 'offer', offer: OFFER, username: 'alice' }]);
    expect(alice.sent).toEqual([]);
  });

  it('sends busy to a caller whose callee is in another call', async () => {
    const alice = await loggedIn('alice');
    await loggedIn('bob');
    const carol = await loggedIn('carol');
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    await service.offer(carol.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    expect(carol.sent).toEqual([{ type: 'decline', username: 'bob', reason: 'busy' }]);
  });

  it('tells the peer when a user in a call disconnects', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    alice.sent.length = 0;
    await service.disconnect(bob.session);
    expect(alice.sent).toEqual([
      { type: 'close', username: 'bob', reason: 'disconnected' },
      { type: 'presence', username: 'bob', online: false },
    ]);
  });

  it('does nothing on the disconnect of a socket that never logged in', async () => {
    const alice = await loggedIn('alice');
    await service.disconnect(fakeSession().session);
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

  it('ends a call nobody answers and tells both sides it timed out', async () => {
    jest.useFakeTimers();
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    alice.sent.length = 0;
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    bob.sent.length = 0;
    await jest.advanceTimersByTimeAsync(options.limits.ringTimeoutMs - 1);
    expect(alice.sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    jest.useRealTimers();
    expect(alice.sent).toEqual([{ type: 'close', username: 'bob', reason: 'timeout' }]);
    expect(bob.sent).toEqual([{ type: 'close', username: 'alice', reason: 'timeout' }]);
    expect(registry.inspect().calls).toEqual([]);
  });

  it('lets an answered call outlive the ring timeout', async () => {
    jest.useFakeTimers();
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    await service.answer(bob.session, { type: 'answer', answer: ANSWER, otherUsername: 'alice' });
    await jest.advanceTimersByTimeAsync(options.limits.ringTimeoutMs * 2);
    jest.useRealTimers();
    expect(registry.inspect().calls).toEqual([{ caller: 'alice', callee: 'bob', state: 'active' }]);
  });

  it('lets only the party that received the offer answer it', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    alice.sent.length = 0;
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    bob.sent.length = 0;
    await service.answer(alice.session, { type: 'answer', answer: ANSWER, otherUsername: 'bob' });
    expect(alice.sent).toEqual([
      { type: 'error', code: 'no-offer', message: 'you hold no offer from bob to answer', replyTo: 'answer' },
    ]);
    expect(bob.sent).toEqual([]);
    // The call still rings for bob, who can decline it and is then free.
    await service.decline(bob.session, { type: 'decline', otherUsername: 'alice' });
    expect(alice.sent[1]).toEqual({ type: 'decline', username: 'bob', reason: 'declined' });
    expect(registry.inspect().calls).toEqual([]);
  });

  it('relays one offer to a ringing callee, not a stream of them', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    alice.sent.length = 0;
    for (let i = 0; i < 3; i++) await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    expect(bob.sent).toEqual([{ type: 'offer', offer: OFFER, username: 'alice' }]);
    expect(alice.sent.map((message) => message.type === 'error' && message.code)).toEqual(['offer-pending', 'offer-pending']);
  });

  it('refuses to relay to a peer that is behind, without disconnecting it', async () => {
    const alice = await loggedIn('alice');
    const bob = await loggedIn('bob');
    alice.sent.length = 0;
    await service.offer(alice.session, { type: 'offer', offer: OFFER, otherUsername: 'bob' });
    await service.answer(bob.session, { type: 'answer', answer: ANSWER, otherUsername: 'alice' });
    alice.sent.length = 0;
    bob.sent.length = 0;
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
    expect(bob.sent).toEqual([{ type: 'close', username: 'alice', reason: 'hangup' }]);
  });
});
