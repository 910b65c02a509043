import { PushSubscriptionStore, StoredPushSubscription } from '@duet/server/storage';
import { PushPayload } from '@duet/shared/protocol';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { sendNotification, WebPushError } from 'web-push';
import { PushEndpointPolicy } from './endpoint-policy';
import { GuardedPushAgent } from './guarded-push-agent';
import { VapidKeys } from './vapid-keys';

/** How long one push request may take (connect, TLS, answer); a ring must reach its devices within a second or two. */
export const PUSH_REQUEST_TIMEOUT_MS = 5_000;

/** What one push asks of the push service. */
export interface PushDelivery {
  /** How long the push service keeps it for an offline device, in ms (rounded up to seconds on the wire). */
  readonly ttlMs: number;
  readonly urgency: 'very-low' | 'low' | 'normal' | 'high';
  /** The call it is about: its `Topic`, so a later push for the call replaces an undelivered one. */
  readonly callId: string;
}

/**
 * Sends Duet's pushes (RFC 8030) to every subscription of a user, encrypted to each (RFC 8291),
 * signed with the server's VAPID key (RFC 8292), through the guarded agent (SSRF). Subscriptions
 * the push service calls gone (404/410) are forgotten. Never logs an endpoint above debug, and
 * then only its host: the URL is a capability (anyone holding it may push to that browser).
 */
@Injectable()
export class PushSender implements OnModuleDestroy {
  private readonly logger = new Logger('PushSender');
  /** Kept-alive connections to the few push services most users share. */
  private readonly agent: GuardedPushAgent;

  constructor(
    private readonly subscriptions: PushSubscriptionStore,
    private readonly policy: PushEndpointPolicy,
    private readonly vapid: VapidKeys,
  ) {
    this.agent = new GuardedPushAgent(policy, { keepAlive: true, maxSockets: 16, timeout: PUSH_REQUEST_TIMEOUT_MS });
  }

  /** Pushes `payload` to every device of `username`; resolves with how many push services accepted it. Never rejects. */
  async sendToUser(username: string, payload: PushPayload, delivery: PushDelivery): Promise<number> {
    let devices: readonly StoredPushSubscription[];
    try {
      devices = await this.subscriptions.list(username);
    } catch (error) {
      this.logger.warn(`could not read the push subscriptions of ${username}: ${(error as Error).message}`);
      return 0;
    }
    const results = await Promise.all(devices.map((device) => this.send(device, payload, delivery)));
    return results.filter(Boolean).length;
  }

  /** One push; true when the push service accepted it (2xx). Never throws. */
  private async send(device: StoredPushSubscription, payload: PushPayload, delivery: PushDelivery): Promise<boolean> {
    try {
      // The allow-list may have narrowed since the browser subscribed.
      this.policy.allowed(device.endpoint);
      await sendNotification({ endpoint: device.endpoint, keys: { p256dh: device.p256dh, auth: device.auth } }, JSON.stringify(payload), {
        TTL: Math.max(0, Math.ceil(delivery.ttlMs / 1_000)),
        urgency: delivery.urgency,
        topic: pushTopic(delivery.callId),
        vapidDetails: { subject: this.vapid.subject, publicKey: this.vapid.publicKey, privateKey: this.vapid.privateKey },
        timeout: PUSH_REQUEST_TIMEOUT_MS,
        agent: this.agent,
      });
      return true;
    } catch (error) {
      await this.failed(device, error);
      return false;
    }
  }

  private async failed(device: StoredPushSubscription, error: unknown): Promise<void> {
    const status = error instanceof WebPushError ? error.statusCode : undefined;
    if (status === 404 || status === 410) {
      this.logger.log(`a push subscription of ${device.username} is gone (${status}): forgotten`);
      await this.subscriptions.forget(device.endpoint).catch((forgetError: unknown) => {
        this.logger.warn(`could not forget a gone push subscription: ${(forgetError as Error).message}`);
      });
      return;
    }
    // WebPushError's message is generic; other errors' messages never hold the endpoint's path.
    const why = status === undefined ? (error as Error).message : `the push service answered ${status}`;
    this.logger.warn(`a push to a device of ${device.username} failed: ${why}`);
    this.logger.debug(`that push went to ${URL.canParse(device.endpoint) ? new URL(device.endpoint).host : 'an endpoint that is not a URL'}`);
  }

  onModuleDestroy(): void {
    this.agent.destroy();
  }
}

/** A call's `Topic` header: at most 32 base64url characters (RFC 8030 §5.4); 132 bits of the callId's hash. */
export function pushTopic(callId: string): string {
  return createHash('sha256').update(callId).digest('base64url').slice(0, 22);
}
