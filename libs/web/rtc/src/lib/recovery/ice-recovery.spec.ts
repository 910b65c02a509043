import { IceRecovery } from './ice-recovery';

const timing = { disconnectedGraceMs: 2_000, retryDelayMs: 2_000, maxRetryDelayMs: 8_000 };

describe(IceRecovery.name, () => {
  let restarts: number[];
  let started: number;

  function recovery(polite = false): IceRecovery {
    started = Date.now();
    return new IceRecovery(timing, polite, () => restarts.push(Date.now() - started));
  }

  beforeEach(() => {
    jest.useFakeTimers();
    restarts = [];
  });

  afterEach(() => jest.useRealTimers());

  it('lets a short disconnect heal by itself', () => {
    const ice = recovery();
    ice.onConnectionState('disconnected');
    jest.advanceTimersByTime(1_999);
    ice.onConnectionState('connected');
    jest.advanceTimersByTime(60_000);
    expect(restarts).toEqual([]);
    expect(ice.isBroken).toBe(false);
  });

  it('restarts after the grace, then backs off 2, 4, 8, 8 s until the path works', () => {
    const ice = recovery();
    ice.onConnectionState('disconnected');
    jest.advanceTimersByTime(24_000);
    expect(restarts).toEqual([2_000, 4_000, 8_000, 16_000, 24_000]);
    ice.onConnectionState('connected');
    jest.advanceTimersByTime(60_000);
    expect(restarts).toHaveLength(5);
  });

  it('restarts at once on failed, also when it fails during the grace', () => {
    const ice = recovery();
    ice.onConnectionState('failed');
    expect(restarts).toEqual([]);
    jest.advanceTimersByTime(0);
    expect(restarts).toEqual([0]);

    restarts = [];
    ice.onConnectionState('connected');
    started = Date.now();
    ice.onConnectionState('disconnected');
    jest.advanceTimersByTime(500);
    ice.onConnectionState('failed');
    jest.advanceTimersByTime(0);
    expect(restarts).toEqual([500]);
  });

  it('has the polite side wait one retry longer, so it usually answers the other side\'s restart', () => {
    const ice = recovery(true);
    ice.onConnectionState('disconnected');
    jest.advanceTimersByTime(4_000);
    expect(restarts).toEqual([4_000]);
  });

  it('restarts now when asked (signaling is back), only while broken, and stops for good', () => {
    const ice = recovery();
    ice.restartNow();
    expect(restarts).toEqual([]);
    ice.onConnectionState('disconnected');
    jest.advanceTimersByTime(100);
    ice.restartNow();
    expect(restarts).toEqual([100]);
    ice.stop();
    jest.advanceTimersByTime(60_000);
    expect(restarts).toEqual([100]);
    expect(jest.getTimerCount()).toBe(0);
  });
});
