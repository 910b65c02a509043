import { CallReportKeys } from './call-report-keys';

describe(CallReportKeys.name, () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => (now = 1_000));

  it('gives each party of a call its own random key, each part accepted once', () => {
    const keys = new CallReportKeys(60_000, 100, clock);
    const alice = keys.issue('call-1', 'Alice', 'caller');
    const bob = keys.issue('call-1', 'bob', 'callee');
    expect(alice).not.toEqual(bob);
    expect(alice).toMatch(/^[\w-]{32}$/);
    const check = keys.check(alice, 'call-1', 'summary');
    expect(check).toMatchObject({ outcome: 'valid', entry: { callId: 'call-1', party: 'alice', role: 'caller' } });
    if (check.outcome !== 'valid') throw new Error('unreachable');
    keys.consume(check.entry, 'summary');
    expect(keys.check(alice, 'call-1', 'summary')).toEqual({ outcome: 'used' });
    expect(keys.check(alice, 'call-1', 'rating').outcome).toBe('valid');
    expect(keys.check(bob, 'call-1', 'summary').outcome).toBe('valid');
  });

  it('knows no forged key, and no key for another call', () => {
    const keys = new CallReportKeys(60_000, 100, clock);
    const alice = keys.issue('call-1', 'alice', 'caller');
    expect(keys.check('x'.repeat(32), 'call-1', 'summary')).toEqual({ outcome: 'unknown' });
    expect(keys.check(alice, 'call-2', 'summary')).toEqual({ outcome: 'wrong-call' });
  });

  it('forgets keys after their time, and holds at most its capacity (oldest first)', () => {
    const keys = new CallReportKeys(60_000, 3, clock);
    const first = keys.issue('call-1', 'a', 'caller');
    const second = keys.issue('call-1', 'b', 'callee');
    keys.issue('call-2', 'c', 'caller');
    keys.issue('call-2', 'd', 'callee');
    expect(keys.size).toBe(3);
    expect(keys.check(first, 'call-1', 'summary')).toEqual({ outcome: 'unknown' });
    expect(keys.check(second, 'call-1', 'summary').outcome).toBe('valid');
    now += 60_000;
    expect(keys.check(second, 'call-1', 'summary')).toEqual({ outcome: 'unknown' });
    keys.issue('call-3', 'e', 'caller');
    expect(keys.size).toBe(1);
  });
});
