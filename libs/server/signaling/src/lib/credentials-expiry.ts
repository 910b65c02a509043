/** Timers take at most 2^31-1 ms (~24.8 days); a longer wait is taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * When a connection's credentials run out: one timer, armed at the upgrade's expiry and moved when
 * the client sends fresh credentials (`token`). Stopped for good when the socket is gone.
 */
export class CredentialsExpiry {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private onExpiry: (() => void) | undefined;

  /** Runs `onExpiry` at `expiresAt` (ms since the epoch); never when it is undefined. */
  start(expiresAt: number | undefined, onExpiry: () => void): void {
    this.onExpiry = onExpiry;
    this.arm(expiresAt);
  }

  /** The deadline is now `expiresAt`; false (nothing armed) once stopped or never started. */
  move(expiresAt: number | undefined): boolean {
    if (this.onExpiry === undefined) return false;
    this.arm(expiresAt);
    return true;
  }

  /** Idempotent. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.onExpiry = undefined;
  }

  private arm(expiresAt: number | undefined): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const onExpiry = this.onExpiry;
    if (expiresAt === undefined || onExpiry === undefined) return;
    this.timer = setTimeout(() => {
      if (Date.now() >= expiresAt) onExpiry();
      else this.arm(expiresAt);
    }, Math.min(Math.max(0, expiresAt - Date.now()), MAX_TIMER_MS));
    // A deadline alone must not hold the process open on shutdown.
    this.timer.unref();
  }
}
