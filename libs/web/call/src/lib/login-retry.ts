/** The first retry after `unavailable`, doubled after each failure up to the cap, with ±25 % jitter. */
export const LOGIN_RETRY_FIRST_MS = 2_000;
export const LOGIN_RETRY_MAX_MS = 30_000;

/**
 * Tries a login again by itself while the server says `unavailable` (it cannot reach its directory
 * of users: Redis is down or restarting). Backs off so that every waiting tab does not hammer a
 * server that is already in trouble; the jitter keeps tabs that failed together from retrying together.
 */
export class LoginRetry {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;

  constructor(private readonly random: () => number = Math.random) {}

  /** Runs `attempt` after the next delay of the backoff; replaces one already scheduled. */
  schedule(attempt: () => void): number {
    this.clearTimer();
    const base = Math.min(LOGIN_RETRY_MAX_MS, LOGIN_RETRY_FIRST_MS * 2 ** this.failures);
    const delay = Math.round(base * (0.75 + this.random() * 0.5));
    this.failures += 1;
    this.timer = setTimeout(() => {
      this.timer = null;
      attempt();
    }, delay);
    return delay;
  }

  /** The login succeeded, or the person acted: no retry, and the next outage starts from the first delay. */
  reset(): void {
    this.clearTimer();
    this.failures = 0;
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
