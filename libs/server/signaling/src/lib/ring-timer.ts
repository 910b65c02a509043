import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { SIGNALING_OPTIONS, SignalingOptions } from './signaling-options';

/**
 * When an unanswered call times out (`RING_TIMEOUT_MS`). The DI token: one instance keeps timers
 * in memory (`LocalRingTimer`); a cluster needs a timer that fires once for the cluster whichever
 * instance armed it, and survives that instance (see `@duet/server/registry-redis`).
 *
 * `SignalingService` arms a call when it starts ringing and disarms it when it stops; the handler
 * it registers runs once per call that was still armed when its time came.
 */
export abstract class RingTimer {
  abstract arm(callId: string): void;
  abstract disarm(callId: string): void;
  abstract onExpiry(handler: (callId: string) => Promise<void>): void;
}

/** A `setTimeout` per ringing call: right for one instance, which is the whole registry. */
@Injectable()
export class LocalRingTimer extends RingTimer implements OnModuleDestroy {
  /** Armed and not yet fired, by call id: cleared on shutdown so none fires after it. */
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private handler: (callId: string) => Promise<void> = async () => undefined;

  constructor(@Inject(SIGNALING_OPTIONS) private readonly options: SignalingOptions) {
    super();
  }

  arm(callId: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(callId);
      void this.handler(callId);
    }, this.options.limits.ringTimeoutMs);
    timer.unref();
    this.timers.set(callId, timer);
  }

  disarm(callId: string): void {
    clearTimeout(this.timers.get(callId));
    this.timers.delete(callId);
  }

  onExpiry(handler: (callId: string) => Promise<void>): void {
    this.handler = handler;
  }

  onModuleDestroy(): void {
    this.timers.forEach((timer) => clearTimeout(timer));
    this.timers.clear();
  }
}
