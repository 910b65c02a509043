import { RegistryUnavailableError } from '@duet/server/signaling';
import { Logger } from '@nestjs/common';

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5_000;

/**
 * Names whose release failed because Redis did not answer (a timeout, an outage). Each is retried,
 * with backoff and jitter, until Redis answers: nothing else would release it while this instance
 * stays connected, so a user who left would stay "online" and its name taken. A retry is safe
 * whatever happened to the failed attempt: the release only acts on that very session's claim,
 * and tells what an attempt that ran did (see `RELEASE`). Timers stop with `close` (shutdown).
 */
export class PendingReleases {
  private readonly logger = new Logger('PendingReleases');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private closed = false;

  /** `release(key, inst, sid)` resolves once Redis answered; it rejects with `RegistryUnavailableError` to be retried. */
  constructor(private readonly release: (key: string, inst: string, sid: string) => Promise<void>) {}

  /** Retries releasing session `sid`'s claim on `key` (held for instance `inst`) until Redis answers. */
  add(key: string, inst: string, sid: string): void {
    if (this.closed || this.timers.has(sid)) return;
    this.retryAfter(key, inst, sid, FIRST_DELAY_MS);
  }

  /** How many releases are waiting for Redis. */
  get size(): number {
    return this.timers.size;
  }

  close(): void {
    this.closed = true;
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
  }

  private retryAfter(key: string, inst: string, sid: string, delayMs: number): void {
    // Jitter: names dropped together during one outage do not all retry in the same millisecond.
    const timer = setTimeout(() => void this.attempt(key, inst, sid, delayMs), delayMs * (0.75 + Math.random() / 2));
    timer.unref();
    this.timers.set(sid, timer);
  }

  private async attempt(key: string, inst: string, sid: string, delayMs: number): Promise<void> {
    try {
      await this.release(key, inst, sid);
      this.timers.delete(sid);
    } catch (error) {
      if (this.closed) return;
      if (error instanceof RegistryUnavailableError) return this.retryAfter(key, inst, sid, Math.min(delayMs * 2, MAX_DELAY_MS));
      this.timers.delete(sid);
      this.logger.error(`releasing a name failed: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
}
