import { renewalDelay, renewalDueAt, renewalRetryDelay } from './renewal-schedule';

const T0 = 1_800_000_000_000;

describe('renewalDueAt', () => {
  it('renews a 20 s token with a quarter of its life left, at ~15 s', () => {
    expect(renewalDueAt({ issuedAt: T0, expiresAt: T0 + 20_000 })).toBe(T0 + 15_000);
  });

  it('renews a 1 h token 60 s before it expires', () => {
    expect(renewalDueAt({ issuedAt: T0, expiresAt: T0 + 3_600_000 })).toBe(T0 + 3_540_000);
  });

  it('switches from 25 % to 60 s at a 4 min lifetime', () => {
    expect(renewalDueAt({ issuedAt: T0, expiresAt: T0 + 240_000 })).toBe(T0 + 180_000);
    expect(renewalDueAt({ issuedAt: T0, expiresAt: T0 + 120_000 })).toBe(T0 + 90_000);
  });

  it('is the expiry itself when the issue time is after it (a clock skew, not a lifetime)', () => {
    expect(renewalDueAt({ issuedAt: T0 + 5_000, expiresAt: T0 })).toBe(T0);
  });
});

describe('renewalDelay', () => {
  it('counts from now', () => {
    expect(renewalDelay({ issuedAt: T0, expiresAt: T0 + 20_000 }, T0 + 10_000)).toBe(5_000);
  });

  it('is 0 once the renewal is due or the token expired', () => {
    expect(renewalDelay({ issuedAt: T0, expiresAt: T0 + 20_000 }, T0 + 16_000)).toBe(0);
    expect(renewalDelay({ issuedAt: T0, expiresAt: T0 + 20_000 }, T0 + 60_000)).toBe(0);
  });
});

describe('renewalRetryDelay', () => {
  it('retries after 5, 10 and 20 s, then gives up', () => {
    const far = T0 + 3_600_000;
    expect([0, 1, 2, 3].map((attempt) => renewalRetryDelay(attempt, far, T0))).toEqual([5_000, 10_000, 20_000, null]);
  });

  it('does not retry when the token expires before the retry', () => {
    expect(renewalRetryDelay(0, T0 + 4_000, T0)).toBeNull();
    expect(renewalRetryDelay(1, T0 + 12_000, T0)).toBe(10_000);
  });
});
