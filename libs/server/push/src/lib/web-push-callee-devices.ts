import { PushSubscriptionStore } from '@duet/server/storage';
import { CalleeDevices, DeviceRingPush } from '@duet/server/signaling';
import { Injectable, Logger } from '@nestjs/common';
import { PushSender } from './push-sender';

/** How long a "missed call" waits at the push service for a device that is off: a few minutes. */
export const MISSED_CALL_TTL_MS = 5 * 60_000;
/**
 * How long "stopped ringing" waits: past the longest ring, so it still replaces (by topic) a ring
 * that waits at the push service, and no longer.
 */
export const RING_ENDED_TTL_MS = 60_000;

/** Rings an offline callee's browsers through Web Push (`CalleeDevices` for signaling). Never rejects. */
@Injectable()
export class WebPushCalleeDevices extends CalleeDevices {
  private readonly logger = new Logger('WebPushCalleeDevices');

  constructor(
    private readonly subscriptions: PushSubscriptionStore,
    private readonly sender: PushSender,
  ) {
    super();
  }

  /** False, with a warning, when the store cannot answer: the caller hears "offline", as before push. */
  reachable(username: string): Promise<boolean> {
    return this.subscriptions.any(username).catch((error: unknown) => {
      this.logger.warn(`could not tell whether ${username} has devices to ring: ${(error as Error).message}`);
      return false;
    });
  }

  ring({ callee, caller, callId, capability, ttlMs }: DeviceRingPush): Promise<number> {
    return this.sender.sendToUser(callee, { kind: 'ring', caller, callId, capability, ttlMs }, { ttlMs, urgency: 'high', callId });
  }

  async ringEnded(callee: string, { caller, callId, missed }: { readonly caller: string; readonly callId: string; readonly missed: boolean }): Promise<void> {
    const ttlMs = missed ? MISSED_CALL_TTL_MS : RING_ENDED_TTL_MS;
    await this.sender.sendToUser(callee, { kind: 'ring-ended', caller, callId, missed }, { ttlMs, urgency: 'high', callId });
  }
}
