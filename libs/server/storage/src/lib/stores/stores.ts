/**
 * The stores other libraries inject (DI tokens). SQL implementations live beside this file; tests
 * of other libraries may stand in small in-memory ones. Usernames are matched by `usernameKey`
 * (case-insensitive), and kept as first given for display.
 */

/** A browser's push subscription, as kept: the endpoint is its identity (one per browser profile). */
export interface StoredPushSubscription {
  readonly username: string;
  readonly endpoint: string;
  /** The subscription's public key (base64url, P-256) and auth secret: what a push is encrypted to. */
  readonly p256dh: string;
  readonly auth: string;
  readonly createdAt: number;
}

/** `added`; `renewed`: that endpoint was known (keys and owner replaced, never counted twice); `full`: at the cap. */
export type SubscribeResult = 'added' | 'renewed' | 'full';

export abstract class PushSubscriptionStore {
  /** Keeps `subscription` for `username`, unless they already hold `max` other endpoints. */
  abstract add(username: string, subscription: Pick<StoredPushSubscription, 'endpoint' | 'p256dh' | 'auth'>, max: number): Promise<SubscribeResult>;
  /** Forgets `username`'s `endpoint`; false when they had no such one. */
  abstract remove(username: string, endpoint: string): Promise<boolean>;
  /** The push service said the endpoint is gone (404/410): forgotten, whoever held it. */
  abstract forget(endpoint: string): Promise<void>;
  abstract list(username: string): Promise<readonly StoredPushSubscription[]>;
  /** Whether `username` holds any: one indexed lookup. */
  abstract any(username: string): Promise<boolean>;
}

/** Values the server makes once and keeps (the generated VAPID key pair). */
export abstract class ServerKeyStore {
  /**
   * The value kept under `name`; when there is none, `create()`'s, kept first. Instances starting
   * together agree on one value: the first insert wins and every caller reads it back.
   */
  abstract getOrCreate(name: string, create: () => string): Promise<string>;
}

/** A guest invite link (issue 25), as kept: never its token. Times in ms since the epoch. */
export interface StoredInvite {
  readonly id: string;
  /** The member who made it, as they wrote their name. */
  readonly inviter: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** `active`: neither revoked nor expired; `revoked`; `unknown`: never made, or expired (pruned or not). */
export type InviteStatus = 'active' | 'revoked' | 'unknown';

export abstract class InviteStore {
  /** Keeps `invite`, and prunes every invite already expired (anyone's): the table holds only live links. */
  abstract create(invite: StoredInvite): Promise<void>;
  /** `inviter`'s invites that are neither revoked nor expired, newest first. */
  abstract listActive(inviter: string): Promise<readonly StoredInvite[]>;
  /** Revokes `inviter`'s own active invite `id`; false when they have no such one. */
  abstract revoke(id: string, inviter: string): Promise<boolean>;
  abstract status(id: string): Promise<InviteStatus>;
  /** Deletes the expired invites; how many went. */
  abstract prune(): Promise<number>;
}
