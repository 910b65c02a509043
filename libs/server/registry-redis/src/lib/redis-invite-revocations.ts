import { InviteRevocations } from '@duet/server/signaling';
import { Injectable, Logger } from '@nestjs/common';
import { RedisCluster } from './redis-cluster';

/** The channel (under the key prefix) every instance hears revoked invite ids on. */
export const INVITE_REVOCATIONS_CHANNEL = 'invites:revoked';

/**
 * Revoked invites for a cluster: one Redis pub/sub channel that every instance subscribes to
 * (through the link's subscriber, renewed on each reconnect), so each ends the guest sessions it
 * holds. Pub/sub delivers at most once: an instance cut off from Redis at that moment misses it,
 * and its guests stay until their invite expires or they reconnect (refused at the upgrade, as the
 * revocation is in the database). `publish` fails (`RegistryUnavailableError`) while Redis is down.
 */
@Injectable()
export class RedisInviteRevocations extends InviteRevocations {
  private readonly logger = new Logger('RedisInviteRevocations');
  private readonly listeners: ((inviteId: string) => void)[] = [];

  constructor(private readonly cluster: RedisCluster) {
    super();
    // Registered before the link starts (the registry starts it): subscribed once it is up.
    this.cluster.link
      .subscribe(INVITE_REVOCATIONS_CHANNEL, (inviteId) => this.listeners.forEach((listener) => listener(inviteId)))
      .catch((error: unknown) => this.logger.warn(`subscribing to revoked invites: ${error instanceof Error ? error.message : String(error)}`));
  }

  async publish(inviteId: string): Promise<void> {
    await this.cluster.link.publish(INVITE_REVOCATIONS_CHANNEL, inviteId);
  }

  subscribe(listener: (inviteId: string) => void): void {
    this.listeners.push(listener);
  }
}
