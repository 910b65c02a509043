import { TestBed } from '@angular/core/testing';
import { TIMING as timing, candidate, logIn, offer, setUpCall as setUp, useCallTestWorld } from '../../testing/call-harness';
import { FakeMediaStream, FakePeerConnection, FakeTrack, settle } from '../../testing/fake-rtc';
import { RING_TIMEOUT_MARGIN_MS, ringGiveUpMs } from './call-timing';
import { PeerService } from './peer.service';
import { CallClosedError, NotLoggedInError } from './errors';
import { LocalMediaService } from '../media/local-media.service';
import { classifyMediaError } from '../media/media';

describe(PeerService.name, () => {
  useCallTestWorld();

  it('walks a placed call idle -> calling -> connecting -> connected -> ended -> idle, logging each move', async () => {
    const { peer, states } = setUp();
    const socket = await logIn('alice');

    await peer.call('bob');
    await settle();
    expect(socket.messages()).toEqual([{ type: 'offer', offer: { type: 'offer', sdp: 'sdp-1' }, otherUsername: 'bob' }]);
    const pc = FakePeerConnection.latest();
    expect(pc.configuration.iceServers).toEqual([{ urls: 'stun:ice.duet.test' }]);
    expect(peer.localStream()).not.toBeNull();

    socket.deliver({ type: 'answer', answer: { type: 'answer', sdp: 'their-answer' }, username: 'bob' });
    await settle();
    expect(pc.remoteDescription).toEqual({ type: 'answer', sdp: 'their-answer' });
    pc.becomes('connected');
    pc.becomes('connected');
    peer.hangUp();
    expect(socket.messages().at(-1)).toEqual({ type: 'close', otherUsername: 'bob' });
    expect(pc.closed).toBe(true);
    expect(peer.callState()).toBe('ended');

    jest.advanceTimersByTime(timing.endedLingerMs);
    expect(states).toEqual(['idle', 'calling', 'connecting', 'connected', 'ended', 'idle']);
    expect(console.debug).toHaveBeenCalledWith('[call] connecting -> connected');
    expect(peer.localStream()).toBeNull();
    expect(peer.remoteUser()).toBeNull();
  });

  it('hands in-call features the connection before its first offer, and null when the call ends', async () => {
    const { peer } = setUp();
    await logIn('alice');
    const seen: (RTCPeerConnection | null)[] = [];
    const subscription = TestBed.inject(PeerService).peerConnection$.subscribe((pc) => seen.push(pc));
    await peer.call('bob');
    await settle();
    const pc = FakePeerConnection.latest();
    expect(seen).toEqual([null, pc]);
    // No feature is injected here: only the control channel; features add theirs on the emission above.
    expect(pc.dataChannels.map((channel) => channel.label)).toEqual(['control']);
    peer.hangUp();
    expect(seen).toEqual([null, pc, null]);
    subscription.unsubscribe();
  });

  it('rings on an incoming offer, queues early candidates, and answers only on accept', async () => {
    const { peer, states } = setUp();
    const socket = await logIn('bob');

    socket.deliver({ type: 'offer', offer: offer(), username: 'alice' });
    socket.deliver({ type: 'candidate', candidate: candidate(1), username: 'alice' });
    socket.deliver({ type: 'candidate', candidate: candidate(2), username: 'alice' });
    await settle();
    expect(peer.callState()).toBe('ringing');
    expect(peer.remoteUser()).toBe('alice');
    expect(socket.sent).toEqual([]);
    expect(FakePeerConnection.instances).toHaveLength(0);

    await peer.accept();
    await settle();
    const pc = FakePeerConnection.latest();
    expect(pc.remoteDescription).toEqual(offer());
    expect(pc.addedCandidates).toEqual([candidate(1), candidate(2)]);
    expect(socket.messages()).toEqual([{ type: 'answer', answer: { type: 'answer', sdp: 'sdp-1' }, otherUsername: 'alice' }]);

    pc.becomes('connected');
    expect(states).toEqual(['idle', 'ringing', 'connecting', 'connected']);
  });

  it('shows the remote stream that arrives with the remote track', async () => {
    const { peer } = setUp();
    const socket = await logIn('bob');
    socket.deliver({ type: 'offer', offer: offer(), username: 'alice' });
    await peer.accept();
    await settle();
    const remote = new FakeMediaStream([new FakeTrack('video')]);
    FakePeerConnection.latest().receiveTrack(new FakeTrack('video'), [remote]);
    expect(peer.remoteStream()).toBe(remote);
  });

  it('declines: sends decline, ends, and the prompt cannot be accepted afterwards', async () => {
    const { peer, states } = setUp();
    const socket = await logIn('bob');
    socket.deliver({ type: 'offer', offer: offer(), username: 'alice' });
    peer.decline();
    expect(socket.messages()).toEqual([{ type: 'decline', otherUsername: 'alice', reason: 'declined' }]);
    await expect(peer.accept()).rejects.toBeInstanceOf(CallClosedError);
    expect(() => peer.decline()).toThrow(CallClosedError);
    jest.advanceTimersByTime(timing.endedLingerMs);
    expect(states).toEqual(['idle', 'ringing', 'ended', 'idle']);
  });

  it.each([
    [{ type: 'decline', username: 'bob', reason: 'declined' }, { code: 'declined', peer: 'bob' }],
    [{ type: 'decline', username: 'bob', reason: 'busy' }, { code: 'busy', peer: 'bob' }],
    [{ type: 'decline', username: 'bob', reason: 'dnd' }, { code: 'dnd', peer: 'bob' }],
    [{ type: 'error', code: 'user-offline', message: 'bob is not online', replyTo: 'offer' }, { code: 'offline', peer: 'bob' }],
    [{ type: 'error', code: 'internal', message: 'oops', replyTo: 'offer' }, { code: 'setup-failed' }],
    [{ type: 'close', username: 'bob', reason: 'disconnected' }, { code: 'peer-disconnected', peer: 'bob' }],
    [{ type: 'close', username: 'bob', reason: 'timeout' }, { code: 'no-answer', peer: 'bob' }],
  ])('ends a placed call on %j and says why', async (message, notice) => {
    const { peer, states, notices } = setUp();
    const socket = await logIn('alice');
    await peer.call('bob');
    await settle();
    socket.deliver(message);
    expect(notices).toEqual([notice]);
    jest.advanceTimersByTime(timing.endedLingerMs);
    expect(states).toEqual(['idle', 'calling', 'ended', 'idle']);
  });

  it('ignores signaling from anyone but the other party', async () => {
    const { peer } = setUp();
    const socket = await logIn('alice');
    await peer.call('bob');
    await settle();
    socket.deliver({ type: 'close', username: 'mallory', reason: 'hangup' });
    socket.deliver({ type: 'answer', answer: { type: 'answer', sdp: 'x' }, username: 'mallory' });
    await settle();
    expect(peer.callState()).toBe('calling');
    expect(FakePeerConnection.latest().remoteDescription).toBeNull();
  });

  it('treats an offer from the callee while calling as glare: polite alice answers it on a fresh connection', async () => {
    const { peer, states } = setUp();
    const connections: (RTCPeerConnection | null)[] = [];
    TestBed.inject(PeerService).peerConnection$.subscribe((pc) => connections.push(pc));
    const socket = await logIn('alice');
    await peer.call('Bob');
    await settle();
    const first = FakePeerConnection.latest();
    expect(first.signalingState).toBe('have-local-offer');

    socket.deliver({ type: 'offer', offer: offer('bobs-offer'), username: 'bob' });
    await settle();
    const pc = FakePeerConnection.latest();
    expect(pc).not.toBe(first);
    expect(first.closed).toBe(true);
    expect(pc.remoteDescription).toEqual(offer('bobs-offer'));
    expect(socket.messages().at(-1)).toEqual({ type: 'answer', answer: { type: 'answer', sdp: 'sdp-1' }, otherUsername: 'Bob' });
    expect(states).toEqual(['idle', 'calling', 'connecting']);
    // In-call features (chat, files, stats) follow the connection that carries the call.
    expect(connections.at(-1)).toBe(pc);
  });

  it('in glare, impolite bob ignores the colliding offer and waits for the answer to his own', async () => {
    const { peer } = setUp();
    const socket = await logIn('bob');
    await peer.call('alice');
    await settle();
    const pc = FakePeerConnection.latest();

    socket.deliver({ type: 'offer', offer: offer('alices-offer'), username: 'alice' });
    socket.deliver({ type: 'candidate', candidate: candidate(4), username: 'alice' });
    await settle();
    expect(peer.callState()).toBe('connecting');
    expect(pc.rollbacks).toBe(0);
    expect(pc.signalingState).toBe('have-local-offer');
    expect(socket.messages().map((message) => message['type'])).toEqual(['offer']);

    socket.deliver({ type: 'answer', answer: { type: 'answer', sdp: 'alices-answer' }, username: 'alice' });
    await settle();
    expect(pc.signalingState).toBe('stable');
  });

  it('joins receive-only, with a notice, when the callee has no camera or microphone', async () => {
    const { peer, notices, getUserMedia } = setUp([]);
    const socket = await logIn('bob');
    socket.deliver({ type: 'offer', offer: offer(), username: 'alice' });
    await peer.accept();
    await settle();
    expect(getUserMedia).toHaveBeenNthCalledWith(1, { audio: true, video: true });
    expect(getUserMedia).toHaveBeenNthCalledWith(2, { audio: true });
    expect(notices).toEqual([{ code: 'media', reason: 'not-found', fallback: 'receive-only' }]);
    expect(FakePeerConnection.latest().senders).toEqual([]);
    expect(socket.messages().map((message) => message['type'])).toEqual(['answer']);
    expect(peer.callState()).toBe('connecting');
  });

  it('falls back to audio only when there is a microphone but no camera', async () => {
    const { peer, notices } = setUp(['audio']);
    await logIn('alice');
    await peer.call('bob');
    await settle();
    const pc = FakePeerConnection.latest();
    expect(pc.senders.map((sender) => sender.track?.kind)).toEqual(['audio']);
    expect(pc.transceivers).toEqual([{ kind: 'video', direction: 'recvonly' }]);
    expect(notices[0]).toEqual({ code: 'media', reason: 'not-found', fallback: 'audio-only' });
  });

  it.each([
    ['NotAllowedError', 'permission-denied'],
    ['NotFoundError', 'not-found'],
    ['NotReadableError', 'in-use'],
    ['TypeError', 'failed'],
  ])('classifies a %s from getUserMedia as %s', (name, problem) => {
    expect(classifyMediaError(new DOMException('x', name))).toBe(problem);
  });

  it('ends the call and tells the peer when ICE fails before connecting', async () => {
    const { peer, notices } = setUp();
    const socket = await logIn('alice');
    await peer.call('bob');
    socket.deliver({ type: 'answer', answer: { type: 'answer', sdp: 'a' }, username: 'bob' });
    await settle();
    FakePeerConnection.latest().becomes('failed');
    expect(peer.callState()).toBe('ended');
    expect(notices[0]).toEqual({ code: 'connection-failed', peer: 'bob' });
    expect(socket.messages().at(-1)).toEqual({ type: 'close', otherUsername: 'bob' });
  });

  it('stops ringing and says so when the caller cancels', async () => {
    const { peer, notices } = setUp();
    const socket = await logIn('bob');
    socket.deliver({ type: 'offer', offer: offer(), username: 'alice' });
    socket.deliver({ type: 'close', username: 'alice', reason: 'hangup' });
    expect(peer.callState()).toBe('ended');
    expect(notices).toEqual([{ code: 'cancelled', peer: 'alice' }]);
  });

  it('drops a call attempt nobody answers after the ring timeout', async () => {
    const { peer, notices } = setUp();
    const socket = await logIn('alice');
    await peer.call('bob');
    jest.advanceTimersByTime(timing.ringTimeoutMs);
    expect(peer.callState()).toBe('ended');
    expect(notices.map((notice) => notice.code)).toEqual(['no-answer']);
    expect(socket.messages().at(-1)).toEqual({ type: 'close', otherUsername: 'bob' });
  });

  it('gives up a dialled call just after the server would have ended it, so the server decides first', async () => {
    const { peer, notices } = setUp();
    const socket = await logIn('alice', 'token-1', { resumeWindowMs: 30_000, ringTimeoutMs: 10_000 });
    await peer.call('bob');
    jest.advanceTimersByTime(10_000 + RING_TIMEOUT_MARGIN_MS - 1);
    expect(peer.callState()).toBe('calling');
    jest.advanceTimersByTime(1);
    expect(peer.callState()).toBe('ended');
    expect(notices).toEqual([{ code: 'no-answer', peer: 'bob' }]);
    expect(socket.messages().at(-1)).toEqual({ type: 'close', otherUsername: 'bob' });
  });

  it("ends a dialled call on the server's ring timeout when it comes first", async () => {
    const { peer, notices } = setUp();
    const socket = await logIn('alice', 'token-1', { ringTimeoutMs: 10_000 });
    await peer.call('bob');
    jest.advanceTimersByTime(10_000);
    socket.deliver({ type: 'close', username: 'bob', reason: 'timeout' });
    expect(peer.callState()).toBe('ended');
    expect(notices).toEqual([{ code: 'no-answer', peer: 'bob' }]);
  });

  it('rings for CALL_TIMING.ringTimeoutMs only when the server names no ring timeout (an older server)', () => {
    expect(ringGiveUpMs(timing, null)).toBe(timing.ringTimeoutMs);
    expect(ringGiveUpMs(timing, {})).toBe(timing.ringTimeoutMs);
    expect(ringGiveUpMs(timing, { ringTimeoutMs: 30_000 })).toBe(30_000 + RING_TIMEOUT_MARGIN_MS);
  });

  it('leaves ended at once when a new call starts', async () => {
    const { peer, states } = setUp();
    await logIn('alice');
    await peer.call('bob');
    peer.hangUp();
    await peer.call('carol');
    expect(states).toEqual(['idle', 'calling', 'ended', 'idle', 'calling']);
    expect(peer.remoteUser()).toBe('carol');
  });

  it('refuses to call yourself (any case) and to call before logging in', async () => {
    const { peer, notices } = setUp();
    await expect(peer.call('bob')).rejects.toBeInstanceOf(NotLoggedInError);
    await logIn('alice');
    await peer.call('ALICE');
    expect(peer.callState()).toBe('idle');
    expect(notices).toEqual([{ code: 'self-call' }]);
  });

  it('releases the camera and microphone when the call ends', async () => {
    const { peer } = setUp();
    await logIn('alice');
    await peer.call('bob');
    const tracks = (peer.localStream() as unknown as FakeMediaStream).getTracks();
    expect(tracks).toHaveLength(2);
    peer.hangUp();
    expect(tracks.every((track) => track.stopped)).toBe(true);
  });

  it('tells the other side about mute and camera-off over the control channel, and shows theirs', async () => {
    const { peer } = setUp();
    const socket = await logIn('alice');
    await peer.call('bob');
    socket.deliver({ type: 'answer', answer: { type: 'answer', sdp: 'a' }, username: 'bob' });
    await settle();
    const pc = FakePeerConnection.latest();
    const [channel] = pc.dataChannels;
    expect(channel.init).toEqual({ negotiated: true, id: 0 });

    channel.open();
    const media = TestBed.inject(LocalMediaService);
    media.setMicMuted(true);
    await media.setCameraOff(true);
    const frames = channel.sent.map((frame) => JSON.parse(frame));
    // On open: our media state, and the key a reload of the other side's page will need (call-rejoin.spec.ts).
    expect(frames.filter((frame) => frame.type === 'rejoin-key')).toEqual([{ type: 'rejoin-key', key: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
    expect(frames.filter((frame) => frame.type === 'media-state')).toEqual([
      { type: 'media-state', micMuted: false, cameraOff: false, screenSharing: false },
      { type: 'media-state', micMuted: true, cameraOff: false, screenSharing: false },
      { type: 'media-state', micMuted: true, cameraOff: true, screenSharing: false },
    ]);
    // Muted: the microphone's track is disabled. Camera off: no camera track, and the sender sends nothing.
    const local = (peer.localStream() as unknown as FakeMediaStream).getTracks();
    expect(local.map((track) => [track.kind, track.enabled])).toEqual([['audio', false]]);
    await settle();
    expect(pc.senders.map((sender) => sender.track?.kind ?? null)).toEqual(['audio', null]);

    channel.receive(JSON.stringify({ type: 'media-state', micMuted: true, cameraOff: false, screenSharing: false }));
    expect(peer.remoteMedia()).toEqual({ micMuted: true, cameraOff: false, screenSharing: false });
    peer.hangUp();
    expect(peer.remoteMedia()).toEqual({ micMuted: false, cameraOff: false, screenSharing: false });
  });

  it('switches camera and shares the screen with replaceTrack, never a new offer', async () => {
    const { peer } = setUp();
    const socket = await logIn('alice');
    await peer.call('bob');
    socket.deliver({ type: 'answer', answer: { type: 'answer', sdp: 'a' }, username: 'bob' });
    await settle();
    const pc = FakePeerConnection.latest();
    const video = pc.senders.find((sender) => sender.track?.kind === 'video');
    const media = TestBed.inject(LocalMediaService);

    await media.startScreenShare();
    await settle();
    expect(video?.track?.deviceId).toBe('screen');
    expect(video?.track?.contentHint).toBe('detail');
    expect(media.screenSharing()).toBe(true);

    // The browser's own "Stop sharing" ends the track: back to the camera.
    video?.track?.unplug();
    await settle();
    expect(media.screenSharing()).toBe(false);
    expect(video?.track?.deviceId).toBe('video-default');
    expect(socket.messages().filter((message) => message['type'] === 'offer')).toHaveLength(1);
  });

  it('shares the screen at its full resolution under pressure and gives the camera the browser default back', async () => {
    const { peer } = setUp();
    const socket = await logIn('alice');
    await peer.call('bob');
    socket.deliver({ type: 'answer', answer: { type: 'answer', sdp: 'a' }, username: 'bob' });
    await settle();
    const video = FakePeerConnection.latest().senders.find((sender) => sender.track?.kind === 'video');
    // A camera call leaves the browser's default alone.
    expect(video?.parameterChanges).toEqual([]);
    const media = TestBed.inject(LocalMediaService);

    await media.startScreenShare();
    await settle();
    expect(video?.getParameters().degradationPreference).toBe('maintain-resolution');

    media.stopScreenShare();
    await settle();
    expect(video?.track?.deviceId).toBe('video-default');
    expect(video?.parameterChanges.map((each) => each.degradationPreference)).toEqual(['maintain-resolution', undefined]);
  });

  it('ends the call with a notice on every call-related server error, and warns on the others', async () => {
    const { peer, notices } = setUp();
    const socket = await logIn('alice');
    socket.deliver({ type: 'error', code: 'rate-limited', message: 'slow down' });
    socket.deliver({ type: 'error', code: 'not-logged-in', message: 'log in first' });
    socket.deliver({ type: 'error', code: 'already-logged-in', message: 'already' });
    socket.deliver({ type: 'error', code: 'internal', message: 'oops' });
    expect(notices.map((notice) => notice.code)).toEqual(['rate-limited', 'not-logged-in', 'server-error']);
    expect(peer.callState()).toBe('idle');
  });
});
