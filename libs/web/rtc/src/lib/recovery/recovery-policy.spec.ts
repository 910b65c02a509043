import { TestBed } from '@angular/core/testing';
import { POLICY, TIMING } from '../../testing/call-harness';
import { CALL_TIMING } from '../call/call-timing';
import { RECONNECT_POLICY, ReconnectDecision } from './reconnect-policy';
import { RecoveryPolicy } from './recovery-policy';

describe(RecoveryPolicy.name, () => {
  let policy: RecoveryPolicy;
  beforeEach(() => {
    jest.useFakeTimers();
    TestBed.configureTestingModule({
      providers: [
        { provide: CALL_TIMING, useValue: TIMING },
        { provide: RECONNECT_POLICY, useValue: POLICY },
      ],
    });
    policy = TestBed.inject(RecoveryPolicy);
    jest.spyOn(Math, 'random').mockReturnValue(1);
  });
  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  const delayOf = (decision: ReconnectDecision) => (decision.action === 'retry' ? decision.delayMs : null);
  const actions = { restartIce: jest.fn(), recoverNegotiation: jest.fn(), awaitingAnswer: () => false, sampleMedia: async () => null, mediaStalled: jest.fn() };

  it('tries again at once plus jitter, then backs off per failure since the last open socket, and starts over once one opens', () => {
    const delays = () => policy.afterSocketClosed(1006, true);
    // Math.random is 1: the whole jitter (100 ms), then 100, 200 doubling.
    expect([delays(), delays(), delays()].map(delayOf)).toEqual([100, 100, 200]);
    policy.socketOpened();
    expect(delays()).toMatchObject({ action: 'retry', delayMs: 100 });
  });

  it('keeps the delays short while a call is in progress and the resume window is open, and backs off as usual after either', () => {
    const call = policy.forCall(false, actions);
    const drop = policy.afterSocketClosed(1006, true, { resumeWindowMs: 12_000 });
    const failures = () => [1, 2, 3, 4, 5].map(() => delayOf(policy.afterFailedOpen({ kind: 'unreachable' })));
    expect(drop).toMatchObject({ delayMs: 100 });
    expect(failures()).toEqual([100, 200, 400, 400, 400]);
    // Past the server's resume window the call cannot be claimed back any sooner: the usual ceiling.
    jest.advanceTimersByTime(12_000);
    expect(failures()).toEqual([1_000, 1_000, 1_000, 1_000, 1_000]);

    policy.socketOpened();
    policy.afterSocketClosed(1006, true, { resumeWindowMs: 12_000 });
    call.stop();
    expect(failures()).toEqual([100, 200, 400, 800, 1_000]);
  });

  it('runs one scheduled reconnect at a time, and none once cancelled', () => {
    const run = jest.fn();
    policy.scheduleReconnect(1_000, run);
    policy.scheduleReconnect(2_000, run);
    expect(policy.reconnectScheduled).toBe(true);
    jest.advanceTimersByTime(2_000);
    expect(run).toHaveBeenCalledTimes(1);
    expect(policy.reconnectScheduled).toBe(false);
    policy.scheduleReconnect(1_000, run);
    policy.cancelReconnect();
    jest.advanceTimersByTime(5_000);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it("takes a party back for the server's resume window, or CALL_TIMING's when the server names none", () => {
    expect(policy.rejoinWindowMs({ resumeWindowMs: 12_000 })).toBe(12_000);
    expect(policy.rejoinWindowMs({})).toBe(TIMING.rejoinWindowMs);
    expect(policy.rejoinWindowMs(null)).toBe(TIMING.rejoinWindowMs);
    // Resume switched off on the server says nothing about how long a reload may take.
    expect(policy.rejoinWindowMs({ resumeWindowMs: 0 })).toBe(TIMING.rejoinWindowMs);
  });
});
