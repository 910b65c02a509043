import { ReconnectPolicy, afterClose, afterFailedOpen, backoffDelayMs } from './reconnect-policy';

const policy: ReconnectPolicy = { initialDelayMs: 100, maxDelayMs: 1_000, overloadedDelayMs: 5_000, maxOverloadedDelayMs: 60_000 };
const top = () => 1;

describe('reconnect policy', () => {
  it('jitters each delay within the upper half of its doubling ceiling, up to the bound', () => {
    expect(backoffDelayMs(0, 100, 1_000, () => 0)).toBe(50);
    expect(backoffDelayMs(0, 100, 1_000, () => 1)).toBe(100);
    expect(backoffDelayMs(2, 100, 1_000, () => 0.5)).toBe(300);
    expect(backoffDelayMs(30, 100, 1_000, () => 1)).toBe(1_000);
  });

  it('reconnects at once after a server shutdown (1001) and an expired token (4401)', () => {
    for (const code of [1001, 4401]) {
      expect(afterClose(code, true, 3, policy, top)).toEqual({ action: 'retry', delayMs: 0, problem: { kind: 'unreachable' } });
    }
  });

  it('stops for good when a guest\'s invite is revoked (4403): the token is refused from now on', () => {
    expect(afterClose(4403, true, 0, policy, top)).toEqual({ action: 'stop', problem: { kind: 'access-revoked' } });
  });

  it('treats a drop as an outage, backing off per attempt', () => {
    expect(afterClose(1006, true, 0, policy, top)).toEqual({ action: 'retry', delayMs: 100, problem: { kind: 'unreachable' } });
    expect(afterClose(1011, true, 2, policy, top)).toMatchObject({ action: 'retry', delayMs: 400 });
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
      expect(afterFailedOpen(verdict, 1, policy, top)).toEqual({ action: 'retry', delayMs: 200, problem: { kind: 'unreachable' } });
    }
  });
});
