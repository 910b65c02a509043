import type { OfferDescription } from '@duet/shared/protocol';

/**
 * A call ringing the devices of someone offline: the caller's offer is kept for the ring window,
 * so the callee's app, opened from the notification, receives it as if it had been online.
 */
export interface DeviceRing {
  /** Server-chosen and unguessable, like every `callId`; the push's `callId`. */
  readonly callId: string;
  readonly caller: string;
  readonly callee: string;
  readonly offer: OfferDescription;
  /** SHA-256 (hex) of the decline capability; the capability itself is only in the push. */
  readonly capabilityHash: string;
  /** Ms since the epoch: a ring past this is gone, whoever asks. */
  readonly expiresAt: number;
}

/**
 * Rings waiting for a callee. Shared by every instance (the database, with `REDIS_URL`): the
 * callee's app may sign in on any instance. Each `take*` removes what it returns, atomically, so
 * exactly one of answer, decline, cancel and timeout wins a ring; expired rings are never returned.
 */
export abstract class DeviceRingStore {
  abstract add(ring: DeviceRing): Promise<void>;
  /** Takes ring `callId`; with `capabilityHash`, only if it matches (a forged or foreign capability takes nothing). */
  abstract take(callId: string, capabilityHash?: string): Promise<DeviceRing | undefined>;
  /** Takes the oldest ring waiting for `callee` (by `usernameKey`): their app just signed in. */
  abstract takeForCallee(callee: string): Promise<DeviceRing | undefined>;
  /** Whether `caller` (by `usernameKey`) is ringing someone's devices: then they are busy. */
  abstract isRinging(caller: string): Promise<boolean>;
}
