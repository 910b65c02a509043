import { isGuestUsername, OfferDescription, usernameKey } from '@duet/shared/protocol';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { CallRules } from '../call-rules';
import { MessageSink } from '../message-sink';
import { PresenceService } from '../presence.service';
import { randomToken } from '../random-token';
import { SIGNALING_OPTIONS, SignalingOptions } from '../signaling-options';
import { UserDirectory } from '../user-directory';
import { UserRegistryService } from '../user-registry.service';
import { CalleeDevices } from './callee-devices';
import { CallJournal } from './call-journal';
import { CallRecorder } from './call-recorder';
import { DeviceRing, DeviceRingStore } from './device-ring-store';

/**
 * How long the store keeps a ring past its time: the timer on the caller's instance, which may run
 * late on a busy event loop, must still find it to tell the caller. A ring whose instance died is
 * gone that much later.
 */
export const DEVICE_RING_GRACE_MS = 5_000;

/** A ring this instance started: its caller may cancel it here, and its timer fires here. */
interface LocalRing {
  readonly callerKey: string;
  readonly calleeKey: string;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * Calls to someone offline who subscribed devices (issue 24, docs/protocol.md "Ringing devices").
 *
 * A device ring lives in `DeviceRingStore` (shared by every instance) from the caller's offer
 * until exactly one of these takes it: the callee's app signs in (`pickUp`: it goes on as an
 * ordinary call), the callee declines from the notification (`decline`), the caller cancels or
 * leaves (`cancel`), the ring times out (a timer on the caller's instance), or no push service
 * took a push. Whoever takes it tells the caller and the callee's other devices; the others find
 * nothing to take. Meanwhile the caller is busy (`busy`).
 */
@Injectable()
export class DeviceRingService implements OnModuleDestroy {
  private readonly logger = new Logger(DeviceRingService.name);
  private readonly local = new Map<string, LocalRing>();
  private readonly directory: UserDirectory;
  private readonly calls: CallRules;

  constructor(
    private readonly store: DeviceRingStore,
    private readonly devices: CalleeDevices,
    private readonly journal: CallJournal,
    private readonly recorder: CallRecorder,
    registry: UserRegistryService,
    private readonly presence: PresenceService,
    @Inject(SIGNALING_OPTIONS) private readonly options: SignalingOptions,
  ) {
    this.directory = registry;
    this.calls = registry;
  }

  /**
   * Whether an offer from `caller` to `callee` finds either ringing someone's devices: the caller
   * then may start no other call, and the callee is busy for everyone else.
   */
  async busy(caller: string, callee: string): Promise<'caller' | 'callee' | undefined> {
    const [callerRings, calleeRings] = await Promise.all([this.store.isRinging(caller), this.store.isRinging(callee)]);
    if (callerRings) return 'caller';
    return calleeRings ? 'callee' : undefined;
  }

  /**
   * `callee` is offline: rings their devices, if they have any, and tells the caller so. False
   * when there is nothing to ring (the caller is then told the callee is offline, as always).
   */
  async ring(caller: MessageSink, from: string, callee: string, offer: OfferDescription): Promise<boolean> {
    // A guest has no devices (and no push): an offline guest is simply offline.
    if (isGuestUsername(callee) || !(await this.devices.reachable(callee))) return false;
    const callId = randomToken(12);
    const capability = randomBytes(32).toString('base64url');
    const now = Date.now();
    const expiresAt = now + this.ringTimeoutMs + DEVICE_RING_GRACE_MS;
    const ring: DeviceRing = { callId, caller: from, callee, offer, capabilityHash: sha256(capability), expiresAt };
    await this.store.add(ring);
    const timer = setTimeout(() => void this.expire(callId), this.ringTimeoutMs);
    timer.unref();
    this.local.set(callId, { callerKey: usernameKey(from), calleeKey: usernameKey(callee), timer });
    caller.send({ type: 'ringing', username: callee, callId, devices: true });
    this.journal.ringing({ callId, caller: from, callee, onDevices: true }, now);
    this.logger.log({ msg: 'ringing devices', user: from, callee });
    // Not awaited: the caller's next message (a cancel) must not wait on push services.
    void this.push(ring, capability);
    return true;
  }

  /**
   * `caller` hangs up (`close`, naming `callee` and the ring's id, or neither) or leaves: ends its
   * device ring, if this instance holds one. False when there is none (nothing changed).
   */
  async cancel(caller: string, callee?: string, callId?: string): Promise<boolean> {
    const callerKey = usernameKey(caller);
    const calleeKey = callee === undefined ? undefined : usernameKey(callee);
    for (const [id, ring] of this.local) {
      if (ring.callerKey !== callerKey || (callId !== undefined && id !== callId) || (calleeKey !== undefined && ring.calleeKey !== calleeKey)) continue;
      const taken = await this.claim(this.store.take(id));
      if (taken === undefined) return false;
      this.ended(taken, 'hangup', true);
      return true;
    }
    return false;
  }

  /** Declines ring `callId` with the capability its push carried: true once, for that call only. */
  async decline(callId: string, capability: string): Promise<boolean> {
    const ring = await this.claim(this.store.take(callId, sha256(capability)));
    if (ring === undefined) return false;
    (await this.directory.find(ring.caller))?.sink.send({ type: 'decline', username: ring.callee, reason: 'declined', callId });
    this.ended(ring, 'declined', false);
    return true;
  }

  /**
   * `callee` just signed in (`session` is theirs): a call ringing their devices goes on as an
   * ordinary call, the caller's kept offer relayed to them with `ring` naming it and `ringKey` its capability's hash.
   */
  async pickUp(session: MessageSink, callee: string): Promise<void> {
    for (;;) {
      const ring = await this.claim(this.store.takeForCallee(callee));
      if (ring === undefined) return;
      const caller = await this.directory.find(ring.caller);
      const result = caller && (await this.calls.offer(ring.caller, callee).catch((error: unknown) => this.failed('picking a ring up', error)));
      if (caller === undefined || result?.outcome !== 'ringing') {
        // The caller left (its instance died), or the two cannot be put in a call (the callee took
        // another call meanwhile): this ring is over, missed.
        const busy = result?.outcome === 'callee-busy';
        caller?.sink.send(
          busy
            ? { type: 'decline', username: callee, reason: 'busy', callId: ring.callId }
            : { type: 'close', username: callee, reason: 'disconnected', callId: ring.callId },
        );
        this.ended(ring, 'disconnected', true);
        continue;
      }
      const callId = result.callId;
      caller.sink.send({ type: 'ringing', username: result.callee.username, callId, replaces: ring.callId });
      // ringKey: only bob's devices know the capability; the caller knows the ring's id (see ANSWER_KEY_PARAM).
      session.send({ type: 'offer', offer: ring.offer, username: caller.username, callId, ring: ring.callId, ringKey: ring.capabilityHash });
      this.recorder.continued(ring.callId, { callId, caller: caller.username, callee: result.callee.username });
      this.notifyDevices(ring, false);
      await this.presence.callChanged([caller.username, result.callee.username], true);
      return;
    }
  }

  onModuleDestroy(): void {
    this.local.forEach(({ timer }) => clearTimeout(timer));
    this.local.clear();
  }

  /** Rings every device; when no push service took the push, the ring is over at once (`unreachable`). */
  private async push(ring: DeviceRing, capability: string): Promise<void> {
    const { callId, caller, callee } = ring;
    try {
      const ttlMs = Math.max(0, ring.expiresAt - DEVICE_RING_GRACE_MS - Date.now());
      const accepted = await this.devices.ring({ callee, caller, callId, capability, ttlMs }).catch((error: unknown) => {
        this.failed(`ringing ${callee}'s devices`, error);
        return 0;
      });
      if (accepted > 0) return;
      const taken = await this.claim(this.store.take(callId));
      if (taken === undefined) return;
      (await this.directory.find(caller))?.sink.send({ type: 'close', username: callee, reason: 'unreachable', callId });
      this.journal.ended(callId, 'unreachable', Date.now());
    } catch (error) {
      this.failed('ending an unreachable ring', error);
    }
  }

  /** The ring's time is up: the caller hears `timeout`, the callee's devices "missed call". */
  private async expire(callId: string): Promise<void> {
    try {
      const ring = await this.claim(this.store.take(callId));
      if (ring === undefined) return;
      (await this.directory.find(ring.caller))?.sink.send({ type: 'close', username: ring.callee, reason: 'timeout', callId });
      this.ended(ring, 'timeout', true);
    } catch (error) {
      this.failed('device ring timeout', error);
    }
  }

  private failed(what: string, error: unknown): undefined {
    this.logger.error(`${what} failed: ${error instanceof Error ? error.stack : String(error)}`);
    return undefined;
  }

  /** What a `take*` of the store won, its timer stopped if it runs here. */
  private async claim(taking: Promise<DeviceRing | undefined>): Promise<DeviceRing | undefined> {
    const ring = await taking;
    const local = ring && this.local.get(ring.callId);
    if (ring !== undefined && local !== undefined) {
      clearTimeout(local.timer);
      this.local.delete(ring.callId);
    }
    return ring;
  }

  private ended(ring: DeviceRing, end: 'hangup' | 'declined' | 'timeout' | 'disconnected', missed: boolean): void {
    this.journal.ended(ring.callId, end, Date.now());
    this.notifyDevices(ring, missed);
  }

  /** Closes the ring's notification on the callee's devices; "Missed call from …" when `missed`. */
  private notifyDevices({ callee, caller, callId }: DeviceRing, missed: boolean): void {
    this.devices
      .ringEnded(callee, { caller, callId, missed })
      .catch((error: unknown) => this.logger.warn(`ring-ended push failed: ${error instanceof Error ? error.message : String(error)}`));
  }

  private get ringTimeoutMs(): number {
    return this.options.limits.ringTimeoutMs;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
