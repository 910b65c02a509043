import { OutageContext, ReconnectPolicy, afterClose, afterFailedOpen, backoffDelayMs } from './reconnect-policy';

const policy: ReconnectPolicy = {
  firstRetryJitterMs: 250,
  initialDelayMs: 100,
  maxDelayMs: 1_000,
  inCallMaxDelayMs: 400,
  overloadedDelayMs: 5_000,
  maxOverloadedDelayMs: 60_000,
};
const top: OutageContext = { inCall: false, random: () => 1 };
const inCall: OutageContext = { inCall: true, random: () => 1 };

describe('reconnect policy', () => {
  it('jitters each delay within the upper half of its doubling ceiling, up to the bound', () => {
    expect(backoffDelayMs(0, 100, 1_000, () => 0)).toBe(50);
    expect(backoffDelayMs(0, 100, 1_000, () => 1)).toBe(100);
    expect(backoffDelayMs(2, 100, 1_000, () => 0.5)).toBe(300);
    expect(backoffDelayMs(30, 100, 1_000, () => 1)).toBe(1_000);
  });

  it('tries again at once after a drop, within the jitter, and backs off only from the second try on', () => {
    expect(afterClose(1006, true, 0, policy, { inCall: false, random: () => 0 })).toEqual({ action: 'retry', delayMs: 0, problem: { kind: 'unreachable' } });
    expect(afterClose(1006, true, 0, policy, { inCall: false, random: () => 0.5 })).toMatchObject({ delayMs: 125 });
    expect(afterClose(1006, true, 0, policy, top)).toMatchObject({ delayMs: 250 });
    // The server did not answer the first try: the backoff starts (100 ms, doubling, up to 1 s).
    expect(afterFailedOpen({ kind: 'unreachable' }, 1, policy, top)).toMatchObject({ delayMs: 100 });
    expect(afterFailedOpen({ kind: 'unreachable' }, 3, policy, top)).toMatchObject({ delayMs: 400 });
    expect(afterFailedOpen({ kind: 'unreachable' }, 10, policy, top)).toMatchObject({ delayMs: 1_000 });
    expect(afterClose(1011, true, 2, policy, top)).toMatchObject({ action: 'retry', delayMs: 200 });
  });

  it('keeps retrying often while a call is in progress: the delay stays under inCallMaxDelayMs, jittered', () => {
    expect(afterFailedOpen({ kind: 'unreachable' }, 10, policy, inCall)).toMatchObject({ delayMs: 400 });
    expect(afterFailedOpen({ kind: 'unreachable' }, 10, policy, { inCall: true, random: () => 0 })).toMatchObject({ delayMs: 200 });
    // Before the cap, the same doubling as without a call.
    expect(afterFailedOpen({ kind: 'unreachable' }, 2, policy, inCall)).toMatchObject({ delayMs: 200 });
    // Refusals for load are not an outage: the call changes nothing.
    expect(afterFailedOpen({ kind: 'refused', status: 503 }, 10, policy, inCall)).toMatchObject({ delayMs: 60_000 });
  });

  it('reconnects after a server shutdown (1001) at once plus jitter, and after an expired token (4401) at once', () => {
    expect(afterClose(1001, true, 3, policy, top)).toEqual({ action: 'retry', delayMs: 250, problem: { kind: 'unreachable' } });
    expect(afterClose(1001, true, 3, policy, { inCall: false, random: () => 0 })).toMatchObject({ delayMs: 0 });
    expect(afterClose(4401, true, 3, policy, top)).toEqual({ action: 'retry', delayMs: 0, problem: { kind: 'unreachable' } });
  });

  it('stops for good when a guest\'s invite is revoked (4403): the token is refused from now on', () => {
    expect(afterClose(4403, true, 0, policy, top)).toEqual({ action: 'stop', problem: { kind: 'access-revoked' } });
  });

  it('closes quietly when the server ends a socket nobody logged in on (its login deadline)', () => {
    expect(afterClose(1008, false, 0, policy, top)).toEqual({ action: 'stop', problem: null });
    // A logged-in session closed for policy is something to recover from.
    expect(afterClose(1008, true, 0, policy, top)).toMatchObject({ action: 'retry' });
  });

  it('stops on 401 and 403: retrying cannot help', () => {
    expect(afterFailedOpen({ kind: 'refused', status: 401 }, 0, policy, top)).toEqual({
      action: 'stop',
      problem: { kind: 'sign-in-required' },
    });
    expect(afterFailedOpen({ kind: 'refused', status: 403 }, 5, policy, top)).toEqual({
      action: 'stop',
      problem: { kind: 'origin-refused' },
    });
  });

  it('backs off longer on 429 and 503, and says when it tries again', () => {
    expect(afterFailedOpen({ kind: 'refused', status: 429 }, 0, policy, top)).toEqual({
      action: 'retry',
      delayMs: 5_000,
      problem: { kind: 'overloaded', status: 429, retryInMs: 5_000 },
    });
    expect(afterFailedOpen({ kind: 'refused', status: 503 }, 10, policy, top)).toMatchObject({
      delayMs: 60_000,
      problem: { kind: 'overloaded', status: 503 },
    });
  });

  it('retries as in an outage when the server is unreachable, admits us after all, or answers oddly', () => {
    for (const verdict of [{ kind: 'unreachable' }, { kind: 'admitted' }, { kind: 'refused', status: 500 }] as const) {
      expect(afterFailedOpen(verdict, 2, policy, top)).toEqual({ action: 'retry', delayMs: 200, problem: { kind: 'unreachable' } });
    }
  });
});
