import { InjectionToken } from '@angular/core';
import { DEFAULT_ICE_RECOVERY, IceRecoveryTiming } from '../recovery/ice-recovery';
import { DEFAULT_MEDIA_STALL, MediaStallTiming } from '../recovery/media-stall-watch';

export interface CallTiming {
  /** How long `ended` stays visible before `idle`. Default 1.5 s. */
  endedLingerMs: number;
  /**
   * A dialled call nobody answers is given up after this, when the server did not say how long it
   * lets a call ring (an older server); otherwise that, plus RING_TIMEOUT_MARGIN_MS. Default 45 s.
   */
  ringTimeoutMs: number;
  /** From accept/answer to a working media path. Default 20 s. */
  connectTimeoutMs: number;
  /** How long a broken media path may try to recover (ICE restarts) before the call ends. Default 30 s. */
  reconnectGraceMs: number;
  /** After a negotiation, how long ICE may stay `new` before it is restarted (ice-start-watch.ts). Default 4 s. */
  stalledIceStartMs: number;
  /** When ICE restarts start and how they back off (ice-recovery.ts). */
  iceRecovery: IceRecoveryTiming;
  /** When media that stopped arriving on a `connected` path restarts ICE (media-stall-watch.ts). */
  mediaStall: MediaStallTiming;
  /**
   * After signaling comes back, how long to let the messages kept for us arrive (an answer to our
   * offer may be among them) before concluding that what we sent meanwhile was lost. Default 1 s.
   */
  restoreSettleMs: number;
  /**
   * A reload during a call: how long the reloaded page may take to call back, and how long the
   * peer takes such a call without a click (call-rejoin.ts), when the server did not hand out its
   * resume window (RecoveryPolicy.rejoinWindowMs). Default 30 s.
   */
  rejoinWindowMs: number;
}

export const CALL_TIMING = new InjectionToken<CallTiming>('CALL_TIMING', {
  providedIn: 'root',
  factory: () => ({
    endedLingerMs: 1_500,
    ringTimeoutMs: 45_000,
    connectTimeoutMs: 20_000,
    reconnectGraceMs: 30_000,
    stalledIceStartMs: 4_000,
    iceRecovery: DEFAULT_ICE_RECOVERY,
    mediaStall: DEFAULT_MEDIA_STALL,
    restoreSettleMs: 1_000,
    rejoinWindowMs: 30_000,
  }),
});

/**
 * The server ends an unanswered call itself (`close`, reason `timeout`) and says when at login
 * (`ringTimeoutMs`); the caller waits this much longer before giving up on its own, so the
 * server's decision, which both sides hear, comes first.
 */
export const RING_TIMEOUT_MARGIN_MS = 2_000;

/** How long a dialled call rings before this side gives up: the server's ring timeout and a margin, or CALL_TIMING's. */
export function ringGiveUpMs(timing: CallTiming, login: { ringTimeoutMs?: number | null } | null): number {
  const server = login?.ringTimeoutMs;
  return typeof server === 'number' && server > 0 ? server + RING_TIMEOUT_MARGIN_MS : timing.ringTimeoutMs;
}
