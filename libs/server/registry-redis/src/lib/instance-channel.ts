import { Logger } from '@nestjs/common';
import { channelOf, Envelope } from './envelopes';
import { RedisLink } from './redis-link';

/**
 * Bytes this instance may have on their way to Redis (published, not yet acknowledged). Redis
 * answers a publish in microseconds; a queue this long means Redis is stalled, and relayed
 * messages are refused (`peer-backlogged`) rather than allowed to pin memory without bound.
 */
export const MAX_OUTBOUND_BYTES = 16 * 1024 * 1024;

/**
 * Cross-instance delivery over Redis pub/sub, one channel per instance. Everything posted for one
 * instance during one turn of the event loop leaves in one PUBLISH (a JSON array): a burst of
 * trickled candidates costs one Redis command, not one each. One connection publishes and Redis
 * delivers a channel's messages in publish order, so messages from here to any user there stay in
 * the order they were posted. Pub/sub delivers at most once: while an instance is cut off from
 * Redis, what was published to it is lost (the registry reconciles calls when it is back).
 */
export class InstanceChannel {
  private readonly logger = new Logger('InstanceChannel');
  private outbox = new Map<string, Envelope[]>();
  private flushScheduled = false;
  private outboundBytes = 0;
  private dropped = 0;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly link: RedisLink,
    /** This instance's id (it changes if the instance was swept and rejoins). */
    private readonly identity: () => string,
  ) {}

  get self(): string {
    return this.identity();
  }

  /** Queues `envelope` for `instance`; sent at the end of this turn of the event loop. */
  post(instance: string, envelope: Envelope): void {
    let batch = this.outbox.get(instance);
    if (batch === undefined) {
      batch = [];
      this.outbox.set(instance, batch);
    }
    batch.push(envelope);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Whether a relayed message may still be queued (see `MAX_OUTBOUND_BYTES`). */
  admitsRelay(): boolean {
    return this.outboundBytes < MAX_OUTBOUND_BYTES;
  }

  /** Hands every batch published to instance `id` to `deliver`, envelope by envelope, in order. */
  listen(id: string, deliver: (envelope: Envelope) => void): Promise<void> {
    return this.link.subscribe(channelOf(id), (payload) => {
      let batch: unknown;
      try {
        batch = JSON.parse(payload);
      } catch {
        this.logger.warn(`dropped a batch that is not JSON (${payload.length} bytes)`);
        return;
      }
      if (!Array.isArray(batch)) return;
      for (const envelope of batch as Envelope[]) {
        try {
          deliver(envelope);
        } catch (error) {
          this.logger.error(`delivering a ${String(envelope?.k)} envelope failed: ${error instanceof Error ? error.stack : String(error)}`);
        }
      }
    });
  }

  stopListening(id: string): Promise<void> {
    return this.link.unsubscribe(channelOf(id));
  }

  /** Publishes what is queued now and waits until every publish is answered (shutdown). */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const outbox = this.outbox;
    this.outbox = new Map();
    for (const [instance, batch] of outbox) {
      const payload = JSON.stringify(batch);
      const bytes = payload.length;
      this.outboundBytes += bytes;
      const published = this.link.publish(channelOf(instance), payload).then(
        () => {
          this.outboundBytes -= bytes;
          if (this.dropped > 0) {
            this.logger.warn(`${this.dropped} messages for other instances were dropped while Redis was unreachable`);
            this.dropped = 0;
          }
        },
        (error: unknown) => {
          this.outboundBytes -= bytes;
          this.reportDropped(batch.length, error);
        },
      );
      this.inFlight.add(published);
      void published.finally(() => this.inFlight.delete(published));
    }
  };

  /** Outages lose whole batches; say so once when it starts and once, with a count, when it ends. */
  private reportDropped(count: number, error: unknown): void {
    if (this.dropped === 0) {
      this.logger.warn(`messages for other instances are being dropped: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.dropped += count;
  }
}
