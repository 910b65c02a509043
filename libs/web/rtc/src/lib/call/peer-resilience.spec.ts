import { TestBed } from '@angular/core/testing';
import { TIMING, answer, logIn, offer, setUpCall } from '../../testing/call-harness';
import { FakePeerConnection, settle } from '../../testing/fake-rtc';
import { FakeWebSocket } from '../../testing/fake-web-socket';
import { PeerService } from './peer.service';

const CALL = 'call-1';

/** alice (polite) has called bob and the call is connected; the server named it CALL. */
async function connectedCall() {
  const harness = setUpCall();
  const socket = await logIn('alice');
  await harness.peer.call('bob');
  socket.deliver({ type: 'ringing', username: 'bob', callId: CALL });
  socket.deliver({ type: 'answer', answer: answer(), username: 'bob', callId: CALL });
  await settle();
  const pc = FakePeerConnection.latest();
  pc.becomes('connected');
  socket.sent.length = 0;
  return { ...harness, socket, pc };
}

/** The socket drops; the client reconnects after its first backoff; the new socket opens. */
async function dropAndReconnect(socket: FakeWebSocket): Promise<FakeWebSocket> {
  socket.drop();
  await settle();
  jest.advanceTimersByTime(100);
  await settle();
  const again = FakeWebSocket.latest();
  if (again === socket) throw new Error('the client did not reconnect');
  again.acceptConnection();
  return again;
}

function resumedLogin(call: { callId: string; otherUsername: string } | null) {
  return {
    type: 'login',
    success: true,
    username: 'alice',
    iceServers: [],
    resumeToken: 'token-2',
    resumed: call !== null,
    ...(call && { call: { ...call, state: 'active' } }),
  };
}

/** `ms` of the call in 500 ms steps (the stall watch's sampling), media arriving while `flowing`. */
async function media(pc: FakePeerConnection, ms: number, flowing: boolean): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += TIMING.mediaStall.sampleEveryMs) {
    if (flowing) {
      pc.inbound.audio += 25;
      pc.inbound.video += 5;
      pc.inbound.framesDecoded += 5;
    }
    jest.advanceTimersByTime(TIMING.mediaStall.sampleEveryMs);
    await settle();
  }
}

describe('PeerService through network faults', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Math, 'random').mockReturnValue(1);
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('restarts ICE when media stops arriving on a path that still says connected (a dead relay), twice more, then not until media flowed', async () => {
    const { pc } = await connectedCall();
    await media(pc, 2_000, true);
    // alice is polite: 1.5 s without media, and 1 s more for bob's restart to come first.
    await media(pc, 2_000, false);
    expect(pc.restartIceCalls).toBe(0);
    await media(pc, 500, false);
    expect(pc.restartIceCalls).toBe(1);
    // Its negotiation is done (bob answered); the path still carries nothing: again after 2 s (and alice's 1 s).
    pc.signalingState = 'stable';
    await media(pc, 2_500, false);
    expect(pc.restartIceCalls).toBe(1);
    await media(pc, 500, false);
    expect(pc.restartIceCalls).toBe(2);
    pc.signalingState = 'stable';
    await media(pc, 3_000, false);
    expect(pc.restartIceCalls).toBe(3);
    pc.signalingState = 'stable';
    // Within the call's reconnect deadline (30 s from the first restart: it says reconnecting meanwhile).
    await media(pc, 15_000, false);
    expect(pc.restartIceCalls).toBe(3);
    // Media flows again: a later stall restarts again.
    await media(pc, 1_000, true);
    await media(pc, 3_000, false);
    expect(pc.restartIceCalls).toBe(4);
  });

  it('says the call is reconnecting while its media is stalled, and connected once the picture moves again', async () => {
    const { peer, pc } = await connectedCall();
    await media(pc, 2_000, true);
    await media(pc, 2_500, false);
    expect(pc.restartIceCalls).toBe(1);
    expect(peer.callState()).toBe('reconnecting');
    pc.signalingState = 'stable';
    await media(pc, 1_000, true);
    expect(peer.callState()).toBe('connected');
  });

  it('does not restart ICE for missing media while the server says the peer is away, nor while our own socket is down', async () => {
    const { socket, pc } = await connectedCall();
    await media(pc, 2_000, true);
    socket.deliver({ type: 'reconnecting', username: 'bob', callId: CALL });
    await media(pc, 10_000, false);
    expect(pc.restartIceCalls).toBe(0);

    socket.deliver({ type: 'reconnected', username: 'bob', callId: CALL });
    await media(pc, 1_000, true);
    socket.drop();
    await media(pc, 10_000, false);
    expect(pc.restartIceCalls).toBe(0);
  });

  it('applies renewed TURN credentials to the running call, so its ICE restart uses them; the next call starts with them', async () => {
    const { peer, socket, pc } = await connectedCall();
    const renewed = [{ urls: 'turn:turn.duet.test:3478', username: '1700003600:alice', credential: 'fresh' }];
    socket.deliver({ type: 'ice-servers', iceServers: renewed, iceTransportPolicy: 'relay' });
    expect(pc.setConfigurations).toEqual([{ iceServers: renewed, iceTransportPolicy: 'relay' }]);

    pc.becomes('failed');
    // alice is polite: her restart waits one retry delay (ice-recovery.ts).
    jest.advanceTimersByTime(TIMING.iceRecovery.retryDelayMs);
    expect(pc.restartIceCalls).toBe(1);
    expect(pc.configuration).toEqual({ iceServers: renewed, iceTransportPolicy: 'relay' });

    peer.hangUp();
    jest.advanceTimersByTime(TIMING.endedLingerMs);
    await peer.call('bob');
    await settle();
    const next = FakePeerConnection.latest();
    expect(next).not.toBe(pc);
    expect(next.configuration).toEqual({ iceServers: renewed, iceTransportPolicy: 'relay' });
  });

  it('names the call after the server (ringing) and sends its callId on every later message', async () => {
    const { peer } = setUpCall();
    const socket = await logIn('alice');
    await peer.call('bob');
    await settle();
    socket.deliver({ type: 'ringing', username: 'bob', callId: CALL });
    const pc = FakePeerConnection.latest();
    pc.gatherCandidate({ candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 });
    peer.hangUp();
    expect(socket.messages().map(({ type, callId }) => [type, callId])).toEqual([
      ['offer', undefined],
      ['candidate', CALL],
      ['close', CALL],
    ]);
  });

  it('ignores messages that name another call, so a late close cannot end this one', async () => {
    const { peer } = setUpCall();
    const socket = await logIn('alice');
    await peer.call('bob');
    await settle();
    socket.deliver({ type: 'ringing', username: 'bob', callId: CALL });
    socket.deliver({ type: 'close', username: 'bob', reason: 'hangup', callId: 'an-old-call' });
    socket.deliver({ type: 'answer', answer: answer(), username: 'bob', callId: 'an-old-call' });
    await settle();
    expect(peer.callState()).toBe('calling');
    expect(FakePeerConnection.latest().remoteDescription).toBeNull();
  });

  it('takes the callId of an incoming call, and a new callId from the same person is a new call', async () => {
    const { peer, states } = setUpCall();
    const socket = await logIn('bob');
    socket.deliver({ type: 'offer', offer: offer(), username: 'alice', callId: 'first' });
    await peer.accept();
    await settle();
    expect(socket.messages().at(-1)).toMatchObject({ type: 'answer', callId: 'first' });

    socket.deliver({ type: 'offer', offer: offer('again'), username: 'alice', callId: 'second' });
    await settle();
    expect(states).toEqual(['idle', 'ringing', 'connecting', 'ended', 'idle', 'ringing']);
    peer.decline();
    expect(socket.messages().at(-1)).toEqual({ type: 'decline', otherUsername: 'alice', reason: 'declined', callId: 'second' });
  });

  it('restarts ICE 2 s into a disconnect, on an offer that carries the callId, and is connected again', async () => {
    const { socket, pc, states } = await connectedCall();
    pc.becomes('disconnected');
    expect(states.at(-1)).toBe('reconnecting');
    jest.advanceTimersByTime(TIMING.iceRecovery.disconnectedGraceMs - 1);
    // The polite side gives the impolite one a head start.
    jest.advanceTimersByTime(TIMING.iceRecovery.retryDelayMs + 1);
    await settle();
    expect(pc.restartIceCalls).toBe(1);
    expect(socket.messages()).toEqual([{ type: 'offer', offer: { type: 'offer', sdp: expect.any(String) }, otherUsername: 'bob', callId: CALL }]);
    pc.becomes('connected');
    expect(states.slice(-3)).toEqual(['connected', 'reconnecting', 'connected']);
  });

  it('keeps restarting with backoff and ends the call in words once the bound passes', async () => {
    const { peer, pc, notices, socket } = await connectedCall();
    pc.becomes('failed');
    jest.advanceTimersByTime(TIMING.reconnectGraceMs - 1);
    expect(pc.restartIceCalls).toBeGreaterThanOrEqual(4);
    expect(peer.callState()).toBe('reconnecting');
    jest.advanceTimersByTime(1);
    expect(peer.callState()).toBe('ended');
    expect(notices).toEqual([{ code: 'media-lost', peer: 'bob' }]);
    expect(socket.messages().at(-1)).toEqual({ type: 'close', otherUsername: 'bob', callId: CALL });
    const restarts = pc.restartIceCalls;
    jest.advanceTimersByTime(60_000);
    expect(pc.restartIceCalls).toBe(restarts);
  });

  it('refuses a new call at once while offline, instead of dialling into the void', async () => {
    const { peer, notices } = setUpCall();
    const socket = await logIn('alice');
    socket.drop();
    await peer.call('bob');
    expect(notices).toEqual([{ code: 'signaling-offline' }]);
    expect(peer.callState()).toBe('idle');
    expect(FakePeerConnection.instances).toHaveLength(0);
  });

  it('keeps the call through a signaling drop and resumes it with the token and a claim of the call', async () => {
    const { peer, socket } = await connectedCall();
    const again = await dropAndReconnect(socket);
    expect(peer.callState()).toBe('connected');
    expect(again.messages()).toEqual([
      { type: 'login', username: 'alice', resume: true, resumeToken: 'token-1', call: { callId: CALL, otherUsername: 'bob' } },
    ]);
    again.deliver(resumedLogin({ callId: CALL, otherUsername: 'bob' }));
    jest.advanceTimersByTime(TIMING.restoreSettleMs);
    await settle();
    // Nothing was lost that mattered: no renegotiation.
    expect(FakePeerConnection.latest().restartIceCalls).toBe(0);
    expect(again.messages()).toHaveLength(1);
    expect(peer.callState()).toBe('connected');
  });

  it('after resuming, takes back a restart offer the outage swallowed and restarts ICE on a fresh one', async () => {
    const { pc } = await connectedCall();
    const socket = FakeWebSocket.latest();
    socket.drop();
    pc.becomes('disconnected');
    jest.advanceTimersByTime(TIMING.iceRecovery.disconnectedGraceMs + TIMING.iceRecovery.retryDelayMs);
    await settle();
    expect(pc.signalingState).toBe('have-local-offer');

    // Meanwhile the client reconnected; now the server takes it.
    const again = FakeWebSocket.latest();
    expect(again).not.toBe(socket);
    again.acceptConnection();
    again.sent.length = 0;
    again.deliver(resumedLogin({ callId: CALL, otherUsername: 'bob' }));
    jest.advanceTimersByTime(TIMING.restoreSettleMs);
    await settle();
    expect(pc.rollbacks).toBe(1);
    expect(again.messages()).toEqual([{ type: 'offer', offer: expect.objectContaining({ type: 'offer' }), otherUsername: 'bob', callId: CALL }]);
  });

  it('after a server restart, claims the call; the peer\'s claim brings it back, or its absence ends it in words', async () => {
    const { peer, socket, notices } = await connectedCall();
    const again = await dropAndReconnect(socket);
    again.deliver(resumedLogin(null));
    expect(peer.callState()).toBe('connected');
    again.deliver({ type: 'reconnected', username: 'bob', callId: CALL });
    expect(peer.callState()).toBe('connected');

    const third = await dropAndReconnect(again);
    third.deliver(resumedLogin(null));
    third.deliver({ type: 'close', username: 'bob', reason: 'disconnected', callId: CALL });
    expect(peer.callState()).toBe('ended');
    expect(notices).toEqual([{ code: 'call-not-restored', peer: 'bob' }]);
  });

  it('shows that the peer is reconnecting, clears it when they are back, and says they were lost if not', async () => {
    const { peer, socket, notices } = await connectedCall();
    socket.deliver({ type: 'reconnecting', username: 'bob', callId: CALL });
    expect(peer.peerReconnecting()).toBe(true);
    socket.deliver({ type: 'reconnected', username: 'bob', callId: CALL });
    expect(peer.peerReconnecting()).toBe(false);
    socket.deliver({ type: 'reconnecting', username: 'bob', callId: CALL });
    socket.deliver({ type: 'close', username: 'bob', reason: 'disconnected', callId: CALL });
    expect(notices).toEqual([{ code: 'peer-lost', peer: 'bob' }]);
    expect(peer.peerReconnecting()).toBe(false);
  });

  it('sends a hang-up made while offline once the resumed session shows the call still up', async () => {
    const { peer, socket } = await connectedCall();
    socket.drop();
    peer.hangUp();
    expect(peer.callState()).toBe('ended');
    const again = await dropAndReconnect(FakeWebSocket.latest());
    expect(again.messages()).toEqual([{ type: 'login', username: 'alice', resume: true, resumeToken: 'token-1' }]);
    again.deliver(resumedLogin({ callId: CALL, otherUsername: 'bob' }));
    expect(again.messages().at(-1)).toEqual({ type: 'close', otherUsername: 'bob', callId: CALL });
  });

  it('hangs up nothing when the resumed session is in a call it has not told us about yet', async () => {
    const { socket } = await connectedCall();
    const again = await dropAndReconnect(socket);
    again.sent.length = 0;
    // Bob hung up and called again while we were away: the kept close and offer follow the reply.
    again.deliver(resumedLogin({ callId: 'call-2', otherUsername: 'bob' }));
    again.deliver({ type: 'close', username: 'bob', reason: 'hangup', callId: CALL });
    again.deliver({ type: 'offer', offer: offer(), username: 'bob', callId: 'call-2' });
    expect(again.messages()).toEqual([]);
    expect(TestBed.inject(PeerService).callState()).toBe('ringing');
  });

  it('ends a call the server never named when it forgot us (a restart while dialling)', async () => {
    const { peer, notices } = setUpCall();
    const socket = await logIn('alice');
    await peer.call('bob');
    const again = await dropAndReconnect(socket);
    again.deliver(resumedLogin(null));
    expect(peer.callState()).toBe('ended');
    expect(notices).toEqual([{ code: 'server-lost' }]);
    expect(TestBed.inject(PeerService).remoteUser()).toBe('bob');
  });
});
