import { TIMING, answer, logIn, offer, setUpCall, useCallTestWorld } from '../../testing/call-harness';
import { FakePeerConnection, settle } from '../../testing/fake-rtc';
import { ANSWER_REQUEST, ANSWER_WAIT_MS, AnswerRequest } from '../engine/answer-request';
import { RING_TIMEOUT_MARGIN_MS } from './call-timing';

const RING = 'device-ring-1';
const CALL = 'call-2';
const cand = (n: number) => ({ candidate: `candidate:${n} 1 udp 1 10.0.0.${n} 5000 typ host`, sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null });

/** alice dials bob; her offer is out. */
async function aliceDialsBob(timings: { ringTimeoutMs?: number } = {}) {
  const harness = setUpCall();
  const socket = await logIn('alice', 'token-1', timings);
  await harness.peer.call('bob');
  await settle();
  return { ...harness, socket, pc: FakePeerConnection.latest() };
}

/** alice dials bob, who is offline: the server rings his devices as RING. */
async function ringingBobsDevices(timings: { ringTimeoutMs?: number } = {}) {
  const dialled = await aliceDialsBob(timings);
  dialled.socket.deliver({ type: 'ringing', username: 'bob', callId: RING, devices: true });
  return dialled;
}

/** What the address's key hashes to, and the server's `ringKey` for RING (the push's capability, hashed). */
const RING_KEY = 'ab'.repeat(32);

function answerRequest(ring = RING, keyHash: Promise<string | null> = Promise.resolve(RING_KEY)): AnswerRequest & { settled: number } {
  const request = {
    ring,
    keyHash,
    settled: 0,
    settle: () => void request.settled++,
  };
  return request;
}

describe('PeerService: a call that rings the callee’s devices', () => {
  useCallTestWorld();

  it('says the devices ring while calling, and stops saying it once the call goes on in their app', async () => {
    const { peer, socket } = await ringingBobsDevices();
    expect(peer.callState()).toBe('calling');
    expect(peer.ringingDevices()).toBe(true);

    socket.deliver({ type: 'ringing', username: 'bob', callId: CALL, replaces: RING });
    expect(peer.ringingDevices()).toBe(false);
    expect(peer.callState()).toBe('calling');
  });

  it('adopts the new callId the ring continues as, and hangs up under it', async () => {
    const { peer, socket } = await ringingBobsDevices();
    socket.deliver({ type: 'ringing', username: 'bob', callId: CALL, replaces: RING });
    socket.sent.length = 0;
    peer.hangUp();
    expect(socket.messages()).toEqual([{ type: 'close', otherUsername: 'bob', callId: CALL }]);
  });

  it('takes the answer and close of the continued call, not of an unrelated one', async () => {
    const { peer, socket, pc } = await ringingBobsDevices();
    // A ringing that names another call as the one it replaces is not ours.
    socket.deliver({ type: 'ringing', username: 'bob', callId: 'someone-else', replaces: 'another-ring' });
    socket.deliver({ type: 'answer', answer: answer(), username: 'bob', callId: 'someone-else' });
    await settle();
    expect(pc.remoteDescription).toBeNull();

    socket.deliver({ type: 'ringing', username: 'bob', callId: CALL, replaces: RING });
    socket.deliver({ type: 'answer', answer: answer(), username: 'bob', callId: CALL });
    await settle();
    expect(pc.remoteDescription).toEqual(answer());
    expect(peer.callState()).toBe('connecting');
  });

  it('holds its candidates while the devices ring and sends them all under the new callId when the call goes on', async () => {
    const { socket, pc } = await aliceDialsBob();
    // Gathered before the server answered: sent, and refused by the server (bob is not online).
    pc.gatherCandidate(cand(1));
    socket.deliver({ type: 'ringing', username: 'bob', callId: RING, devices: true });
    pc.gatherCandidate(cand(2));
    expect(socket.messages().filter((m) => m['type'] === 'candidate')).toEqual([
      { type: 'candidate', candidate: cand(1), otherUsername: 'bob' },
    ]);

    socket.sent.length = 0;
    socket.deliver({ type: 'ringing', username: 'bob', callId: CALL, replaces: RING });
    pc.gatherCandidate(cand(3));
    expect(socket.messages()).toEqual([1, 2, 3].map((n) => ({ type: 'candidate', candidate: cand(n), otherUsername: 'bob', callId: CALL })));
  });

  it('sends no candidate twice on an ordinary call', async () => {
    const { socket, pc } = await aliceDialsBob();
    socket.deliver({ type: 'ringing', username: 'bob', callId: CALL });
    pc.gatherCandidate(cand(1));
    socket.deliver({ type: 'answer', answer: answer(), username: 'bob', callId: CALL });
    await settle();
    pc.gatherCandidate(cand(2));
    expect(socket.messages().filter((m) => m['type'] === 'candidate')).toHaveLength(2);
  });

  it('rings a whole ring timeout more once the call goes on in their app', async () => {
    const { peer, socket } = await ringingBobsDevices({ ringTimeoutMs: 10_000 });
    jest.advanceTimersByTime(9_000);
    socket.deliver({ type: 'ringing', username: 'bob', callId: CALL, replaces: RING });
    jest.advanceTimersByTime(10_000 + RING_TIMEOUT_MARGIN_MS - 1);
    expect(peer.callState()).toBe('calling');
    jest.advanceTimersByTime(1);
    expect(peer.callState()).toBe('ended');
  });

  it.each([
    [{ type: 'close', username: 'bob', reason: 'unreachable', callId: RING }, { code: 'unreachable', peer: 'bob' }],
    [{ type: 'close', username: 'bob', reason: 'timeout', callId: RING }, { code: 'no-answer', peer: 'bob' }],
    [{ type: 'decline', username: 'bob', reason: 'declined', callId: RING }, { code: 'declined', peer: 'bob' }],
  ])('ends the ring on %j and says why', async (message, notice) => {
    const { peer, socket, notices } = await ringingBobsDevices();
    socket.deliver(message);
    expect(peer.callState()).toBe('ended');
    expect(peer.ringingDevices()).toBe(false);
    expect(notices).toEqual([notice]);
  });
});

describe('PeerService: a page opened from a notification’s Answer', () => {
  useCallTestWorld();

  function setUp(request = answerRequest()) {
    return { ...setUpCall(undefined, undefined, null, [{ provide: ANSWER_REQUEST, useValue: request }]), request };
  }

  it('accepts the offer that continues the ring it was opened for, its key matching, without a click, and settles the request', async () => {
    const { peer, states, request, notices } = setUp();
    const socket = await logIn('bob');
    socket.deliver({ type: 'offer', offer: offer(), username: 'alice', callId: CALL, ring: RING, ringKey: RING_KEY });
    await settle();
    expect(states).toEqual(['idle', 'ringing', 'connecting']);
    expect(socket.messages()).toEqual([{ type: 'answer', answer: { type: 'answer', sdp: 'sdp-1' }, otherUsername: 'alice', callId: CALL }]);
    expect(request.settled).toBe(1);
    expect(peer.localStream()).not.toBeNull();
    // Answered: no stale-request notice comes later.
    jest.advanceTimersByTime(ANSWER_WAIT_MS);
    expect(notices).toEqual([]);
  });

  it.each([
    ['no key in the address (the link the caller crafts: it knows the ring\'s id from its "ringing")', null],
    ['a key that is not this ring\'s', 'cd'.repeat(32)],
  ])('only rings for that ring with %s, until the person accepts', async (_, keyHash) => {
    const { peer, states, request, notices } = setUp(answerRequest(RING, Promise.resolve(keyHash)));
    const socket = await logIn('bob');
    socket.deliver({ type: 'offer', offer: offer(), username: 'alice', callId: CALL, ring: RING, ringKey: RING_KEY });
    await settle();
    expect(peer.callState()).toBe('ringing');
    expect(socket.sent).toEqual([]);
    expect(peer.localStream()).toBeNull();
    // Used up (out of the address), and no "that call has ended" while it rings.
    expect(request.settled).toBe(1);
    jest.advanceTimersByTime(ANSWER_WAIT_MS);
    expect(notices).toEqual([]);

    await peer.accept();
    await settle();
    expect(states).toEqual(['idle', 'ringing', 'connecting']);
    expect(socket.messages().map((m) => m['type'])).toEqual(['answer']);
  });

  it('never accepts by itself an offer of that ring without a ringKey', async () => {
    const { peer, request } = setUp();
    const socket = await logIn('bob');
    socket.deliver({ type: 'offer', offer: offer(), username: 'alice', callId: CALL, ring: RING });
    await settle();
    expect(peer.callState()).toBe('ringing');
    expect(socket.sent).toEqual([]);
    expect(request.settled).toBe(1);
  });

  it('answers nothing when that call ended before its key was checked, not even the next one ringing', async () => {
    let hashed: (hash: string) => void = () => undefined;
    const { peer } = setUp(answerRequest(RING, new Promise((resolve) => (hashed = resolve))));
    const socket = await logIn('bob');
    socket.deliver({ type: 'offer', offer: offer(), username: 'alice', callId: CALL, ring: RING, ringKey: RING_KEY });
    await settle();
    socket.deliver({ type: 'close', username: 'alice', reason: 'hangup', callId: CALL });
    socket.deliver({ type: 'offer', offer: offer(), username: 'carol', callId: 'call-3' });
    await settle();
    hashed(RING_KEY);
    await settle();
    expect(peer.callState()).toBe('ringing');
    expect(peer.remoteUser()).toBe('carol');
    expect(socket.sent).toEqual([]);
    expect(peer.localStream()).toBeNull();
  });

  it('rings as usual for an offer that is not that ring, and never accepts it by itself', async () => {
    const { peer, request } = setUp();
    const socket = await logIn('bob');
    socket.deliver({ type: 'offer', offer: offer(), username: 'alice', callId: CALL });
    await settle();
    expect(peer.callState()).toBe('ringing');
    peer.decline();
    socket.deliver({ type: 'offer', offer: offer(), username: 'carol', callId: 'call-3', ring: 'another-ring', ringKey: RING_KEY });
    await settle();
    expect(peer.callState()).toBe('ringing');
    expect(socket.messages().map((m) => m['type'])).toEqual(['decline']);
    expect(request.settled).toBe(0);
  });

  it('drops a stale request after the wait with "that call has ended"; a later offer of that ring only rings', async () => {
    const { peer, request, notices } = setUp();
    jest.advanceTimersByTime(ANSWER_WAIT_MS * 3); // the wait starts at the login, not before
    expect(request.settled).toBe(0);
    const socket = await logIn('bob');
    jest.advanceTimersByTime(ANSWER_WAIT_MS - 1);
    expect(request.settled).toBe(0);
    jest.advanceTimersByTime(1);
    expect(request.settled).toBe(1);
    expect(notices).toEqual([{ code: 'answer-expired' }]);
    expect(peer.callState()).toBe('idle');

    socket.deliver({ type: 'offer', offer: offer(), username: 'alice', callId: CALL, ring: RING, ringKey: RING_KEY });
    await settle();
    expect(peer.callState()).toBe('ringing');
    expect(socket.sent).toEqual([]);
  });

  it('waits no longer than the ring window when the server rings for less', async () => {
    const { request } = setUp();
    await logIn('bob', 'token-1', { ringTimeoutMs: 3_000 });
    jest.advanceTimersByTime(3_000 + RING_TIMEOUT_MARGIN_MS);
    expect(request.settled).toBe(1);
  });

  it('answers nothing by itself without a request', async () => {
    const { peer } = setUpCall();
    const socket = await logIn('bob');
    socket.deliver({ type: 'offer', offer: offer(), username: 'alice', callId: CALL, ring: RING });
    await settle();
    expect(peer.callState()).toBe('ringing');
    expect(socket.sent).toEqual([]);
    jest.advanceTimersByTime(TIMING.ringTimeoutMs);
  });
});
