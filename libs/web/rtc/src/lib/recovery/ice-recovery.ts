export interface IceRecoveryTiming {
  /** How long `disconnected` may last before the first restart: a short blip heals by itself. Default 2 s. */
  disconnectedGraceMs: number;
  /** The first pause between restarts; it doubles per attempt. Default 2 s. */
  retryDelayMs: number;
  /**
   * The longest pause between restarts. Default 4 s: a path that comes back (a TURN server
   * restarted) is used only after the next restart, so this bounds how long people wait for it.
   */
  maxRetryDelayMs: number;
}

export const DEFAULT_ICE_RECOVERY: IceRecoveryTiming = { disconnectedGraceMs: 2_000, retryDelayMs: 2_000, maxRetryDelayMs: 4_000 };

/**
 * Restarts ICE while a call's media path is broken, until it works again; the call's own
 * reconnect deadline bounds the whole effort (the call engine ends the call then).
 *
 *   healthy ──disconnected──> broken: first restart after the grace
 *   healthy ──failed────────> broken: first restart at once
 *   broken ──restart #n──> next restart after retryDelayMs · 2^(n-1) (at most maxRetryDelayMs)
 *   broken ──connected──> healthy (the count starts over)
 *
 * Both sides notice a broken path and perfect negotiation would settle two restart offers, but a
 * collision costs a round trip; so the polite side waits one retry delay longer before its first
 * restart, and usually just answers the impolite side's offer.
 */
export class IceRecovery {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempts = 0;
  private broken = false;

  constructor(
    private readonly timing: IceRecoveryTiming,
    private readonly polite: boolean,
    private readonly restart: (attempt: number) => void,
  ) {}

  /** Feed every `RTCPeerConnection.connectionState` change. */
  onConnectionState(state: RTCPeerConnectionState): void {
    if (state === 'connected') {
      this.stop();
      return;
    }
    if (state !== 'disconnected' && state !== 'failed') return;
    const deference = this.polite ? this.timing.retryDelayMs : 0;
    if (!this.broken) {
      this.broken = true;
      this.schedule((state === 'failed' ? 0 : this.timing.disconnectedGraceMs) + deference);
    } else if (state === 'failed' && this.attempts === 0) {
      // Failed within the grace: no point waiting for it to heal.
      this.schedule(deference);
    }
  }

  /** Restarts now (signaling is back and whatever was sent meanwhile is lost), if the path is broken. */
  restartNow(): void {
    if (!this.broken) return;
    this.clearTimer();
    this.attempt();
  }

  get isBroken(): boolean {
    return this.broken;
  }

  /** Stops for good (the call ended) or until the path breaks again (it works). */
  stop(): void {
    this.clearTimer();
    this.broken = false;
    this.attempts = 0;
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.attempt();
    }, delayMs);
  }

  private attempt(): void {
    this.attempts += 1;
    this.restart(this.attempts);
    this.schedule(Math.min(this.timing.maxRetryDelayMs, this.timing.retryDelayMs * 2 ** (this.attempts - 1)));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
