import { Injectable } from '@nestjs/common';

/**
 * How a revoked invite reaches every instance, so each ends the guest sessions it holds that came
 * in with it (`GuestSessions.endInvite`). One instance: a local call. A cluster: Redis pub/sub
 * (`RedisInviteRevocations` in @duet/server/registry-redis). A guest's reconnect after revocation
 * is refused at the upgrade regardless (the revocation is in the database).
 */
export abstract class InviteRevocations {
  /** Announces that `inviteId` was revoked: resolves once every instance subscribed can hear it. */
  abstract publish(inviteId: string): Promise<void>;
  /** Called, on this instance, for every revocation published anywhere (this instance's own included). */
  abstract subscribe(listener: (inviteId: string) => void): void;
}

/** One instance: a revocation published here is heard here, at once. */
@Injectable()
export class LocalInviteRevocations extends InviteRevocations {
  private readonly listeners: ((inviteId: string) => void)[] = [];

  async publish(inviteId: string): Promise<void> {
    for (const listener of this.listeners) listener(inviteId);
  }

  subscribe(listener: (inviteId: string) => void): void {
    this.listeners.push(listener);
  }
}
