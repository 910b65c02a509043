import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { STORAGE_CLOCK } from '../stores/storage-clock';
import { CallHistory } from './call-history';

export const PRUNE_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** `HISTORY_DAYS` for the pruner (DI token). */
export const HISTORY_DAYS = Symbol('HISTORY_DAYS');

/**
 * Retention: call records older than `HISTORY_DAYS` go once at start-up, then every 24 h, on each
 * instance (deleting what another instance already deleted costs nothing). The timer never keeps
 * the process alive, and `stop()` (shutdown) clears it and waits for a prune under way.
 */
@Injectable()
export class HistoryPruner implements OnApplicationBootstrap {
  private readonly logger = new Logger('HistoryPruner');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly history: CallHistory,
    @Inject(HISTORY_DAYS) private readonly days: number,
    @Optional() @Inject(STORAGE_CLOCK) private readonly now: () => number = Date.now,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS).unref();
    void this.prune();
  }

  /** Prunes now; resolves once done (a failure is logged: the next day tries again). */
  prune(): Promise<void> {
    this.running ??= this.history
      .prune(this.days, this.now())
      .then(
        (count) => (count > 0 ? this.logger.log(`Pruned ${count} call records older than ${this.days} days`) : undefined),
        (error: unknown) => this.logger.warn(`Pruning call history failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
