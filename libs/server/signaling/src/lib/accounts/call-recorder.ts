import { isGuestUsername, usernameKey } from '@duet/shared/protocol';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { CallRules } from '../call-rules';
import { RingTimer } from '../ring-timer';
import { SignalingMetrics } from '../signaling-metrics';
import { SIGNALING_OPTIONS, SignalingOptions } from '../signaling-options';
import { UserRegistryService } from '../user-registry.service';
import { CalleeDevices } from './callee-devices';
import { CallEnd, CallJournal } from './call-journal';

/** A call that rang and was not answered: whose devices hear "missed call from …". */
export interface UnansweredCall {
  readonly callId: string;
  readonly caller: string;
  readonly callee: string;
}

interface Ringing extends UnansweredCall {
  /** A call rings at most the ring timeout: past this the entry is only a leftover. */
  readonly until: number;
}

/**
 * What an ordinary call's start, answer and end set going besides its messages: the ring timer,
 * the metrics, the journal (history), and the "missed call" push to the callee when the caller gave
 * up before anyone answered, or nobody did. Never waits on, or fails, the signaling path: the
 * journal writes in the background, and a push that fails is logged.
 *
 * Which calls still ring is kept per instance, for the calls whose offer this instance handled:
 * the caller's own `close` and disconnect come through the same instance. Whether the call was
 * answered meanwhile (on another instance, in a cluster) the registry says, asked only then.
 */
@Injectable()
export class CallRecorder {
  private readonly logger = new Logger(CallRecorder.name);
  /** By call id, oldest first (`until` grows in insertion order: the front is what expires first). */
  private readonly ringing = new Map<string, Ringing>();
  /** A caller rings one call at a time: its call id, by `usernameKey`. */
  private readonly byCaller = new Map<string, string>();
  private readonly calls: CallRules;

  constructor(
    private readonly journal: CallJournal,
    private readonly devices: CalleeDevices,
    registry: UserRegistryService,
    private readonly rings: RingTimer,
    private readonly metrics: SignalingMetrics,
    @Inject(SIGNALING_OPTIONS) private readonly options: SignalingOptions,
  ) {
    this.calls = registry;
  }

  /** `callId` started ringing: `caller` offered to `callee`, who is online. */
  started(call: UnansweredCall): void {
    this.rings.arm(call.callId);
    this.metrics.callRinging(call.callId);
    this.track(call);
    this.journal.ringing({ ...call, onDevices: false }, Date.now());
  }

  /** A call that rang `callee`'s devices (`ringId`) goes on as the ordinary call `call.callId`. */
  continued(ringId: string, call: UnansweredCall): void {
    this.rings.arm(call.callId);
    this.metrics.callRinging(call.callId);
    this.track(call);
    this.journal.continued(ringId, call.callId);
  }

  answered(callId: string): void {
    this.rings.disarm(callId);
    this.metrics.callActive(callId);
    this.forget(callId);
    this.journal.answered(callId, Date.now());
  }

  busy(caller: string, callee: string): void {
    this.journal.busy(caller, callee, Date.now());
  }

  /**
   * The call `username` is ringing as its caller, unanswered, if any: asked before the caller
   * hangs up or leaves, as afterwards the registry no longer knows whether anyone answered.
   */
  async unansweredFrom(username: string): Promise<UnansweredCall | undefined> {
    this.sweep();
    const callId = this.byCaller.get(usernameKey(username));
    const mine = callId === undefined ? undefined : this.ringing.get(callId);
    if (mine === undefined) return undefined;
    const current = await this.calls.callOf(username);
    return current?.callId === mine.callId && current.state === 'ringing' ? mine : undefined;
  }

  /**
   * Call `callId` ended. `unanswered`, when it is that call, was still ringing: its callee missed it
   * (a timeout, or the caller gave up), and their devices say so, unless it was declined.
   */
  ended(callId: string, end: CallEnd, unanswered?: UnansweredCall): void {
    // A timer that fired is gone already.
    if (end !== 'timeout') this.rings.disarm(callId);
    this.metrics.callEnded(callId);
    this.forget(callId);
    this.journal.ended(callId, end, Date.now());
    // A guest has no devices to tell (no push).
    if (unanswered?.callId !== callId || end === 'declined' || isGuestUsername(unanswered.callee)) return;
    const { caller, callee } = unanswered;
    this.devices
      .ringEnded(callee, { caller, callId, missed: true })
      .catch((error: unknown) => this.logger.warn(`missed-call push failed: ${error instanceof Error ? error.message : String(error)}`));
  }

  private track(call: UnansweredCall): void {
    this.sweep();
    const key = usernameKey(call.caller);
    const previous = this.byCaller.get(key);
    if (previous !== undefined) this.ringing.delete(previous);
    this.byCaller.set(key, call.callId);
    this.ringing.set(call.callId, { ...call, until: Date.now() + this.options.limits.ringTimeoutMs });
  }

  private forget(callId: string): void {
    const call = this.ringing.get(callId);
    if (call === undefined) return;
    this.ringing.delete(callId);
    const key = usernameKey(call.caller);
    if (this.byCaller.get(key) === callId) this.byCaller.delete(key);
  }

  /** Drops calls past their ring window (answered and ended on other instances): the oldest first, so this costs what it drops. */
  private sweep(): void {
    const now = Date.now();
    for (const call of this.ringing.values()) {
      if (call.until > now) return;
      this.forget(call.callId);
    }
  }
}
