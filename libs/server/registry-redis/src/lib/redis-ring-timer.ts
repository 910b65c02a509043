import { RegistryUnavailableError, RingTimer } from '@duet/server/signaling';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { RedisCluster } from './redis-cluster';

/** Most due calls one sweep takes on; the rest wait for the next sweep. */
const DUE_PER_SWEEP = 100;

/**
 * Ring timeouts for a cluster: a sorted set in Redis (`rings`, call id -> due time in Redis'
 * clock), armed and disarmed by the registry's scripts in the same step as the call changes, and
 * swept by every instance. Each due call is claimed by one instance (the script pushes it back
 * by a retry delay), and only the expiry that still finds the call ringing ends it, so the
 * timeout fires once for the cluster, whichever instance armed it and whether or not it still runs.
 */
@Injectable()
export class RedisRingTimer extends RingTimer implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RedisRingTimer');
  private handler: (callId: string) => Promise<void> = async () => undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private sweeping = false;
  private readonly everyMs: number;
  private readonly retryMs: number;

  constructor(private readonly cluster: RedisCluster) {
    super();
    // A timeout fires at most one sweep late: a tenth of it, between 25 ms and 1 s.
    this.everyMs = Math.min(1_000, Math.max(25, Math.round(cluster.options.ringTimeoutMs / 10)));
    this.retryMs = Math.max(2_000, 4 * this.everyMs);
  }

  /** Armed by the script that starts the ringing call: no instance can die in between. */
  arm(): void {
    // See the class comment.
  }

  /** Disarmed by the scripts that answer or end the call. */
  disarm(): void {
    // See the class comment.
  }

  onExpiry(handler: (callId: string) => Promise<void>): void {
    this.handler = handler;
  }

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sweep(), this.everyMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async sweep(): Promise<void> {
    if (this.sweeping || !this.cluster.link.isUp) return;
    this.sweeping = true;
    try {
      const due = await this.cluster.link.run<string[]>('dueRings', DUE_PER_SWEEP, this.retryMs);
      for (const callId of due) await this.handler(callId);
    } catch (error) {
      if (!(error instanceof RegistryUnavailableError)) this.logger.error(`ring sweep failed: ${error instanceof Error ? error.stack : String(error)}`);
    } finally {
      this.sweeping = false;
    }
  }
}
