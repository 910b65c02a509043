import { TestBed } from '@angular/core/testing';
import { TIMING as timing, logIn, offer, setUpCall } from '../../testing/call-harness';
import { FakePeerConnection, settle } from '../../testing/fake-rtc';
import { CALL_RECORD_KEY } from '../engine/call-rejoin';
import { RING_TIMEOUT_MARGIN_MS, ringGiveUpMs } from './call-timing';

/** The tab's sessionStorage, over a Map. */
function tabStorage(entries: Record<string, string>): Storage {
  const map = new Map(Object.entries(entries));
  return {
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  } as unknown as Storage;
}

/** Advances to 1 ms before `ms` and checks `before`, then to `ms` and checks `after`. */
async function expectAfter(ms: number, before: () => void, after: () => void): Promise<void> {
  jest.advanceTimersByTime(ms - 1);
  await settle();
  before();
  jest.advanceTimersByTime(1);
  await settle();
  after();
}

describe('the timings the server hands out at login', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('gives up a dialled call just after the server would have ended it, so the server decides first', async () => {
    const { peer, notices } = setUpCall();
    const socket = await logIn('alice', 'token-1', { resumeWindowMs: 30_000, ringTimeoutMs: 10_000 });
    await peer.call('bob');
    await settle();
    socket.sent.length = 0;
    await expectAfter(
      10_000 + RING_TIMEOUT_MARGIN_MS,
      () => expect(peer.callState()).toBe('calling'),
      () => {
        expect(peer.callState()).toBe('ended');
        expect(socket.messages()).toEqual([{ type: 'close', otherUsername: 'bob' }]);
        expect(notices).toEqual([{ code: 'no-answer', peer: 'bob' }]);
      },
    );
  });

  it("ends a dialled call on the server's timeout when it comes first", async () => {
    const { peer, notices } = setUpCall();
    const socket = await logIn('alice', 'token-1', { ringTimeoutMs: 10_000 });
    await peer.call('bob');
    await settle();
    jest.advanceTimersByTime(10_000);
    socket.deliver({ type: 'close', username: 'bob', reason: 'timeout' });
    expect(peer.callState()).toBe('ended');
    expect(notices).toEqual([{ code: 'no-answer', peer: 'bob' }]);
  });

  it('rings for CALL_TIMING.ringTimeoutMs when the server names no ring timeout (an older server)', () => {
    expect(ringGiveUpMs(timing, null)).toBe(timing.ringTimeoutMs);
    expect(ringGiveUpMs(timing, {})).toBe(timing.ringTimeoutMs);
    expect(ringGiveUpMs(timing, { ringTimeoutMs: 30_000 })).toBe(30_000 + RING_TIMEOUT_MARGIN_MS);
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
    const { peer } = setUpCall();
    const socket = await logIn('bob', 'token-1', { resumeWindowMs: 5_000 });
    socket.deliver({ type: 'offer', offer: offer(), username: 'alice', callId: 'call-1' });
    await peer.accept();
    await settle();
    FakePeerConnection.latest().becomes('connected');
    const [control] = FakePeerConnection.latest().dataChannels;
    control.open();
    const key = control.sent.map((frame) => JSON.parse(frame) as { type: string; key?: string }).find((frame) => frame.type === 'rejoin-key')?.key;
    socket.deliver({ type: 'close', username: 'alice', reason: 'disconnected', callId: 'call-1' });
    jest.advanceTimersByTime(waitMs);
    socket.deliver({ type: 'offer', offer: offer('again'), username: 'alice', callId: 'call-2', rejoin: key });
    await settle();
    expect(peer.callState()).toBe(state);
  });

});
