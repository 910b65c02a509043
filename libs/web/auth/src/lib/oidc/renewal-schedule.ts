/** The token times renewal is planned on, in ms since the epoch. */
export interface TokenTimes {
  /** The earlier of the ID token's and the access token's expiry: Duet needs both valid. */
  readonly expiresAt: number;
  /** When they were issued (the ID token's `iat`); a token's lifetime is `expiresAt - issuedAt`. */
  readonly issuedAt: number;
}

/** At most this long before expiry: a 1 h token renews 60 s ahead, not 15 min. */
export const RENEWAL_LEAD_MAX_MS = 60_000;
/** Short-lived tokens renew with a quarter of their life left (a 20 s token at ~15 s). */
export const RENEWAL_LEAD_FRACTION = 0.25;
/** After a network error, retry after these delays, each only while the token is still valid. */
export const RENEWAL_RETRY_DELAYS_MS: readonly number[] = [5_000, 10_000, 20_000];

/** When to renew: expiry minus min(60 s, 25 % of the lifetime). */
export function renewalDueAt(times: TokenTimes): number {
  const lifetime = Math.max(0, times.expiresAt - times.issuedAt);
  return times.expiresAt - Math.min(RENEWAL_LEAD_MAX_MS, RENEWAL_LEAD_FRACTION * lifetime);
}

/** How long from `now` until the renewal is due; 0 when it already is. */
export function renewalDelay(times: TokenTimes, now: number): number {
  return Math.max(0, renewalDueAt(times) - now);
}

/** The delay before retry number `attempt` (0-based), or null when none is left or the token would expire first. */
export function renewalRetryDelay(attempt: number, expiresAt: number, now: number): number | null {
  const delay = RENEWAL_RETRY_DELAYS_MS[attempt];
  return delay !== undefined && now + delay < expiresAt ? delay : null;
}
