import { DestroyRef, Injectable, inject } from '@angular/core';
import { CALL_TIMING } from '../call/call-timing';
import { CallRecovery, CallRecoveryActions } from './call-recovery';
import { AdmissionVerdict, OutageContext, RECONNECT_POLICY, ReconnectDecision, afterClose, afterFailedOpen } from './reconnect-policy';

/** What a login handed out that recovery follows (docs/protocol.md, `login`). */
export interface ServerTimings {
  /** How long the server holds a dropped session; absent from older servers. */
  resumeWindowMs?: number | null;
}

/**
 * Every decision about coming back after something broke, and the timers that carry them out
 * (livekit's DefaultReconnectPolicy plays this part for its RTCEngine):
 *
 * - the signaling socket: after a close or a failed open, retry in n ms or stay down
 *   (reconnect-policy.ts: backoff with jitter, the close codes, the `/ws/admission` verdicts); it
 *   counts the failures since the last open socket and owns the one retry timer; while a call is
 *   in progress and the outage is younger than the server's resume window, retries stay frequent
 *   (`inCallMaxDelayMs`), so a restarted server has the call claimed back soon;
 * - a call's media path and negotiation (`forCall`, call-recovery.ts): when to restart ICE, when
 *   to recover negotiation after a signaling gap, and when ICE that never started is restarted;
 * - how long a party that left may come back (`rejoinWindowMs`): the server's resume window.
 *
 * The SignalingClient and the call engine report what happened and do what this decides.
 */
@Injectable({ providedIn: 'root' })
export class RecoveryPolicy {
  private readonly reconnect = inject(RECONNECT_POLICY);
  private readonly timing = inject(CALL_TIMING);
  private failedAttempts = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** The calls in progress (forCall until stopped). */
  private readonly calls = new Set<CallRecovery>();
  /** When the open socket dropped, and the resume window the server named then; null while open. */
  private outage: { since: number; windowMs: number } | null = null;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.cancelReconnect());
  }

  /** A socket opened: the next failure starts the backoff over. */
  socketOpened(): void {
    this.failedAttempts = 0;
    this.outage = null;
  }

  /**
   * An open socket closed with `code`; `loggedIn`: someone is waiting for it; `login`: what the
   * server handed out at login (its resume window bounds the frequent retries of a call in progress).
   */
  afterSocketClosed(code: number, loggedIn: boolean, login: ServerTimings | null = null): ReconnectDecision {
    this.outage ??= { since: Date.now(), windowMs: this.rejoinWindowMs(login) };
    return afterClose(code, loggedIn, this.failedAttempts++, this.reconnect, this.outageContext());
  }

  /** A socket never opened; `verdict` is what `/ws/admission` said about it. */
  afterFailedOpen(verdict: AdmissionVerdict): ReconnectDecision {
    return afterFailedOpen(verdict, this.failedAttempts++, this.reconnect, this.outageContext());
  }

  /** Runs `reconnect` after `delayMs` (one retry at a time). */
  scheduleReconnect(delayMs: number, reconnect: () => void): void {
    this.cancelReconnect();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      reconnect();
    }, delayMs);
  }

  get reconnectScheduled(): boolean {
    return this.retryTimer !== null;
  }

  /** Drops the scheduled retry; `fresh`: the user asked to try now, so the backoff starts over. */
  cancelReconnect(fresh = false): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (fresh) this.failedAttempts = 0;
  }

  /** The recovery of one call's media path and negotiation; `stop()` it when the call ends. */
  forCall(polite: boolean, actions: CallRecoveryActions): CallRecovery {
    const { iceRecovery, stalledIceStartMs, restoreSettleMs, mediaStall } = this.timing;
    const recovery: CallRecovery = new CallRecovery({ iceRecovery, stalledIceStartMs, restoreSettleMs, mediaStall }, polite, actions, () =>
      this.calls.delete(recovery),
    );
    this.calls.add(recovery);
    return recovery;
  }

  /**
   * How long a party whose page left (a reload) may come back into its call: as long as the
   * server would hold a dropped session (the login's `resumeWindowMs`), or CALL_TIMING's
   * `rejoinWindowMs` when the server names none (an older server, or resume switched off: 0).
   */
  rejoinWindowMs(login: ServerTimings | null): number {
    const window = login?.resumeWindowMs;
    return typeof window === 'number' && window > 0 ? window : this.timing.rejoinWindowMs;
  }

  private outageContext(): OutageContext {
    const outage = this.outage;
    const inCall = this.calls.size > 0 && outage !== null && Date.now() - outage.since < outage.windowMs;
    return { inCall, random: () => Math.random() };
  }
}
