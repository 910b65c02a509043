import { usernameKey } from '@duet/shared/protocol';
import { DeviceRing, DeviceRingStore } from './device-ring-store';

/** One instance's rings, in memory: the default, and what unit tests run against. */
export class InMemoryDeviceRingStore extends DeviceRingStore {
  private readonly rings = new Map<string, DeviceRing>();

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  async add(ring: DeviceRing): Promise<void> {
    this.rings.set(ring.callId, ring);
  }

  async take(callId: string, capabilityHash?: string): Promise<DeviceRing | undefined> {
    const ring = this.live(this.rings.get(callId));
    if (ring === undefined || (capabilityHash !== undefined && ring.capabilityHash !== capabilityHash)) return undefined;
    this.rings.delete(callId);
    return ring;
  }

  async takeForCallee(callee: string): Promise<DeviceRing | undefined> {
    const key = usernameKey(callee);
    for (const ring of this.rings.values()) {
      if (usernameKey(ring.callee) === key && this.live(ring)) return this.take(ring.callId);
    }
    return undefined;
  }

  async isRinging(caller: string): Promise<boolean> {
    const key = usernameKey(caller);
    return [...this.rings.values()].some((ring) => usernameKey(ring.caller) === key && this.live(ring) !== undefined);
  }

  /** The ring if it has not expired; an expired one is dropped on the way. */
  private live(ring: DeviceRing | undefined): DeviceRing | undefined {
    if (ring === undefined || ring.expiresAt > this.now()) return ring;
    this.rings.delete(ring.callId);
    return undefined;
  }
}
