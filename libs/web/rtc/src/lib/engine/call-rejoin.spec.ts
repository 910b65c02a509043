import { TestBed } from '@angular/core/testing';
import { TIMING as timing, answer, logIn, offer, setUpCall, useCallTestWorld } from '../../testing/call-harness';
import { FakePeerConnection, settle } from '../../testing/fake-rtc';
import { FakeWebSocket } from '../../testing/fake-web-socket';
import { CALL_RECORD_KEY } from './call-rejoin';
import { SignalingClient } from '../signaling/signaling-client.service';

/** A Storage over a Map: the tab's sessionStorage, surviving a "reload" (a new TestBed) when shared. */
function tabStorage(entries: Record<string, string> = {}): Storage & { map: Map<string, string> } {
  const map = new Map(Object.entries(entries));
  return {
    map,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  } as unknown as Storage & { map: Map<string, string> };
}

/** The key bob's page gave alice's over their control channel. */
const BOB_KEY = '0123456789abcdef0123456789abcdef';

describe('a reload during a call', () => {
  useCallTestWorld();

  it('remembers a connected call for the tab, refreshes it as the page hides, and forgets it when the call ends', async () => {
    const storage = tabStorage();
    const { peer } = setUpCall(['audio', 'video'], 'NotFoundError', storage);
    const socket = await logIn('alice');
    await peer.call('bob');
    await settle();
    socket.deliver({ type: 'answer', answer: answer(), username: 'bob' });
    await settle();
    expect(storage.map.get(CALL_RECORD_KEY)).toBeUndefined();

    FakePeerConnection.latest().becomes('connected');
    const connectedAt = JSON.parse(storage.map.get(CALL_RECORD_KEY) ?? '{}').at;
    expect(JSON.parse(storage.map.get(CALL_RECORD_KEY) ?? '{}')).toEqual({ username: 'alice', otherUsername: 'bob', key: null, at: Date.now() });
    // Bob's page gives us the key that lets our reloaded page be taken back: it is kept with the call.
    const [control] = FakePeerConnection.latest().dataChannels;
    control.open();
    control.receive(JSON.stringify({ type: 'rejoin-key', key: BOB_KEY }));
    expect(JSON.parse(storage.map.get(CALL_RECORD_KEY) ?? '{}')).toMatchObject({ otherUsername: 'bob', key: BOB_KEY });
    jest.advanceTimersByTime(60_000);
    window.dispatchEvent(new Event('pagehide'));
    expect(JSON.parse(storage.map.get(CALL_RECORD_KEY) ?? '{}').at).toBe(connectedAt + 60_000);

    peer.hangUp();
    expect(storage.map.has(CALL_RECORD_KEY)).toBe(false);
  });

  it('calls the same person back once the reloaded page is logged in, with their key, and says why', async () => {
    const record = { username: 'alice', otherUsername: 'bob', key: BOB_KEY, at: Date.now() - 3_000 };
    const storage = tabStorage({ [CALL_RECORD_KEY]: JSON.stringify(record) });
    const { peer, notices } = setUpCall(['audio', 'video'], 'NotFoundError', storage);
    const socket = await logIn('alice');
    await settle();
    expect(peer.callState()).toBe('calling');
    expect(peer.remoteUser()).toBe('bob');
    expect(socket.messages()).toEqual([{ type: 'offer', offer: { type: 'offer', sdp: 'sdp-1' }, otherUsername: 'bob', rejoin: BOB_KEY }]);
    expect(notices).toEqual([{ code: 'rejoining', peer: 'bob' }]);
    // Taken once: a later login in this page calls nobody.
    expect(storage.map.has(CALL_RECORD_KEY)).toBe(false);
  });

  it.each([
    ['the call was last alive longer ago than the rejoin window', 'alice', -timing.rejoinWindowMs - 1],
    ['someone else logs in on the reloaded page', 'carol', -1_000],
  ])('calls nobody back when %s', async (_when, name, age) => {
    const record = { username: 'alice', otherUsername: 'bob', at: Date.now() + age };
    const { peer, notices } = setUpCall(['audio', 'video'], 'NotFoundError', tabStorage({ [CALL_RECORD_KEY]: JSON.stringify(record) }));
    const socket = await logIn(name);
    await settle();
    expect(peer.callState()).toBe('idle');
    expect(socket.messages()).toEqual([]);
    expect(notices).toEqual([]);
  });

  it('ends the call a held session was still in, then calls back, when the socket had dropped before the reload', async () => {
    const storage = tabStorage({ [CALL_RECORD_KEY]: JSON.stringify({ username: 'alice', otherUsername: 'bob', at: Date.now() }) });
    const { peer } = setUpCall(['audio', 'video'], 'NotFoundError', storage);
    const signaling = TestBed.inject(SignalingClient);
    signaling.logIn('alice');
    await settle();
    const socket = FakeWebSocket.latest();
    socket.acceptConnection();
    socket.sent.length = 0;
    socket.deliver({
      type: 'login',
      success: true,
      username: 'alice',
      iceServers: [],
      resumeToken: 'token-2',
      resumed: true,
      call: { callId: 'call-1', otherUsername: 'bob', state: 'active' },
    });
    await settle();
    // What the server kept for the held session (the peer's ICE restart of the old call) is void.
    socket.deliver({ type: 'offer', offer: offer('old-restart'), username: 'bob', callId: 'call-1' });
    await settle();
    expect(socket.messages()).toEqual([
      { type: 'close', otherUsername: 'bob', callId: 'call-1' },
      { type: 'offer', offer: { type: 'offer', sdp: 'sdp-1' }, otherUsername: 'bob' },
    ]);
    expect(peer.callState()).toBe('calling');
    expect(FakePeerConnection.latest().remoteDescription).toBeNull();
  });

  async function connectedCallee(timings: { resumeWindowMs?: number } = {}) {
    const call = setUpCall();
    const socket = await logIn('bob', 'token-1', timings);
    socket.deliver({ type: 'offer', offer: offer(), username: 'alice', callId: 'call-1' });
    await call.peer.accept();
    await settle();
    FakePeerConnection.latest().becomes('connected');
    const [control] = FakePeerConnection.latest().dataChannels;
    control.open();
    const sent = control.sent.map((frame) => JSON.parse(frame) as { type: string; key?: string });
    const key = sent.find((frame) => frame.type === 'rejoin-key')?.key ?? '';
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    socket.sent.length = 0;
    return { ...call, socket, key };
  }

  it('the peer, whose call ended because the other left, takes their call back without a click', async () => {
    const { peer, notices, socket, states, key } = await connectedCallee();
    socket.deliver({ type: 'close', username: 'alice', reason: 'disconnected', callId: 'call-1' });
    expect(notices).toEqual([{ code: 'peer-disconnected', peer: 'alice' }]);

    jest.advanceTimersByTime(5_000);
    socket.deliver({ type: 'offer', offer: offer('again'), username: 'alice', callId: 'call-2', rejoin: key });
    await settle();
    expect(peer.callState()).toBe('connecting');
    expect(notices.at(-1)).toEqual({ code: 'peer-rejoined', peer: 'alice' });
    expect(socket.messages().at(-1)).toMatchObject({ type: 'answer', otherUsername: 'alice', callId: 'call-2' });
    expect(states.slice(-4)).toEqual(['ended', 'idle', 'ringing', 'connecting']);
  });

  it("calls back after a reload within the server's resume window, not a local one", async () => {
    const age = timing.rejoinWindowMs + 10_000;
    const record = { username: 'alice', otherUsername: 'bob', key: null, at: Date.now() - age };
    const { peer, notices } = setUpCall(['audio', 'video'], 'NotFoundError', tabStorage({ [CALL_RECORD_KEY]: JSON.stringify(record) }));
    await logIn('alice', 'token-1', { resumeWindowMs: age + 1_000 });
    await settle();
    expect(peer.callState()).toBe('calling');
    expect(notices).toEqual([{ code: 'rejoining', peer: 'bob' }]);
  });

  it.each([
    ['within', 4_000, 'connecting'],
    ['after', 5_001, 'ringing'],
  ])("a peer's callback %s the server's resume window: the call is %s", async (_when, waitMs, state) => {
    const { peer, socket, key } = await connectedCallee({ resumeWindowMs: 5_000 });
    socket.deliver({ type: 'close', username: 'alice', reason: 'disconnected', callId: 'call-1' });
    jest.advanceTimersByTime(waitMs);
    socket.deliver({ type: 'offer', offer: offer('again'), username: 'alice', callId: 'call-2', rejoin: key });
    await settle();
    expect(peer.callState()).toBe(state);
  });

  it.each([
    ['after the rejoin window', { type: 'close', username: 'alice', reason: 'disconnected' }, timing.rejoinWindowMs + 1, 'ours'],
    ['after a hang-up', { type: 'close', username: 'alice', reason: 'hangup' }, 1_000, 'ours'],
    // Without sign-in a name is first come, first served: whoever takes it after alice left has not got the key.
    ['from the same name without the key', { type: 'close', username: 'alice', reason: 'disconnected' }, 1_000, 'none'],
    ['from the same name with another key', { type: 'close', username: 'alice', reason: 'disconnected' }, 1_000, 'other'],
  ])('rings as usual for a call %s', async (_when, close, waitMs, carried) => {
    const { peer, socket, notices, key } = await connectedCallee();
    socket.deliver(close);
    jest.advanceTimersByTime(waitMs);
    const rejoin = { ours: { rejoin: key }, none: {}, other: { rejoin: 'f'.repeat(32) } }[carried];
    socket.deliver({ type: 'offer', offer: offer('again'), username: 'alice', callId: 'call-2', ...rejoin });
    await settle();
    expect(peer.callState()).toBe('ringing');
    expect(notices.map((notice) => notice.code)).not.toContain('peer-rejoined');
  });
});
