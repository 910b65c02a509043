import { JoinLimiter } from './join-limiter';

describe(JoinLimiter.name, () => {
  it('lets an address in perMinute times at once, then one more as each share of the minute passes', () => {
    let now = 0;
    const limiter = new JoinLimiter(6, 100, () => now);
    for (let n = 0; n < 6; n++) expect(limiter.take('10.0.0.1')).toBe(true);
    expect(limiter.take('10.0.0.1')).toBe(false);
    expect(limiter.take('10.0.0.2')).toBe(true);
    now += 9_999;
    expect(limiter.take('10.0.0.1')).toBe(false);
    now += 1;
    expect(limiter.take('10.0.0.1')).toBe(true);
    expect(limiter.take('10.0.0.1')).toBe(false);
  });

  it('remembers at most maxAddresses, forgetting the one least recently seen', () => {
    const limiter = new JoinLimiter(1, 3, () => 0);
    for (const address of ['a', 'b', 'c']) expect(limiter.take(address)).toBe(true);
    expect(limiter.take('a')).toBe(false);
    expect(limiter.take('d')).toBe(true);
    expect(limiter.size).toBe(3);
    // b went (a was seen again after it): b starts afresh, a is still spent.
    expect(limiter.take('a')).toBe(false);
    expect(limiter.take('b')).toBe(true);
    for (let n = 0; n < 10_000; n++) limiter.take(`flood-${n}`);
    expect(limiter.size).toBe(3);
  });
});
