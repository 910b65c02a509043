import { Injectable, Logger } from '@nestjs/common';

/**
 * Database writes that run in the background, in the order they were queued per key (a call), and
 * never throw at the caller: a failure is logged and the next write of that key still runs.
 * Shared by every writer of the process (one provider), so shutdown can wait for all of them
 * before the database closes, and writes queued after that are dropped with a word.
 */
@Injectable()
export class OrderedWrites {
  private readonly logger = new Logger('CallJournal');
  /** The last write queued for each key; gone once it has settled and nothing followed it. */
  private readonly tails = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  /** Runs `write` after every write queued before it under any of `keys`. */
  queue(keys: readonly string[], what: string, write: () => Promise<unknown>): void {
    if (this.closed) {
      this.logger.warn(`${what} not recorded: the database is closing`);
      return;
    }
    const before = keys.map((key) => this.tails.get(key)).filter((tail) => tail !== undefined);
    const run = Promise.all(before)
      .then(write)
      .then(
        () => undefined,
        (error: unknown) => this.logger.warn(`${what} not recorded: ${error instanceof Error ? error.message : String(error)}`),
      );
    this.pending.add(run);
    for (const key of keys) this.tails.set(key, run);
    void run.then(() => {
      this.pending.delete(run);
      for (const key of keys) if (this.tails.get(key) === run) this.tails.delete(key);
    });
  }

  /** Resolves once every write queued so far has settled. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** Waits for what is queued, and refuses what comes after (the database is about to close). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }
}
