import { TestBed } from '@angular/core/testing';
import { POLICY, TIMING } from '../../testing/call-harness';
import { CALL_TIMING } from '../call/call-timing';
import { RECONNECT_POLICY } from './reconnect-policy';
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

  it('backs off per failure since the last open socket, and starts over once one opens', () => {
    const delays = () => policy.afterSocketClosed(1006, true);
    expect([delays(), delays(), delays()].map((decision) => decision.action === 'retry' && decision.delayMs)).toEqual([100, 200, 400]);
    policy.socketOpened();
    expect(delays()).toMatchObject({ action: 'retry', delayMs: 100 });
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
