/** A call to ring on someone's devices: everything the push carries (see `PushPayload`). */
export interface DeviceRingPush {
  readonly callee: string;
  readonly caller: string;
  readonly callId: string;
  /** Declines this call only, once; the server keeps only its hash. */
  readonly capability: string;
  /** How long it still rings: the push's TTL. */
  readonly ttlMs: number;
}

/**
 * The devices a user has subscribed for calls (Web Push, issue 24). Pushes are encrypted to each
 * subscription and sent with urgency high; subscriptions the push service calls gone (404/410)
 * are deleted on the way.
 */
export abstract class CalleeDevices {
  /** Whether `username` has any device to ring. One indexed lookup: asked for each call to someone offline. */
  abstract reachable(username: string): Promise<boolean>;
  /** Rings every device of `push.callee`; resolves with how many its push services accepted. */
  abstract ring(push: DeviceRingPush): Promise<number>;
  /** The call stopped ringing: replaces its notification ("Missed call from …" when `missed`, else closes it). */
  abstract ringEnded(callee: string, call: { readonly caller: string; readonly callId: string; readonly missed: boolean }): Promise<void>;
}

/** No devices (`AUTH_MODE=none`): a call to someone offline is refused at once, as before. */
export class NoCalleeDevices extends CalleeDevices {
  async reachable(): Promise<boolean> {
    return false;
  }
  async ring(): Promise<number> {
    return 0;
  }
  async ringEnded(): Promise<void> {
    // Nobody to tell.
  }
}
