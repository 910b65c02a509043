import { InjectionToken } from '@angular/core';
import { DEFAULT_ICE_RECOVERY, IceRecoveryTiming } from '../recovery/ice-recovery';

export interface CallTiming {
  /** How long `ended` stays visible before `idle`. Default 1.5 s. */
  endedLingerMs: number;
  /** A dialled call nobody answers is given up after this. Default 45 s. */
  ringTimeoutMs: number;
  /** From accept/answer to a working media path. Default 20 s. */
  connectTimeoutMs: number;
  /** How long a broken media path may try to recover (ICE restarts) before the call ends. Default 30 s. */
  reconnectGraceMs: number;
  /** After a negotiation, how long ICE may stay `new` before it is restarted (ice-start-watch.ts). Default 4 s. */
  stalledIceStartMs: number;
  /** When ICE restarts start and how they back off (ice-recovery.ts). */
  iceRecovery: IceRecoveryTiming;
  /**
   * After signaling comes back, how long to let the messages kept for us arrive (an answer to our
   * offer may be among them) before concluding that what we sent meanwhile was lost. Default 1 s.
   */
  restoreSettleMs: number;
  /**
   * A reload during a call: how long the reloaded page may take to call back, and how long the
   * peer takes such a call without a click (call-rejoin.ts). Default 30 s.
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
    restoreSettleMs: 1_000,
    rejoinWindowMs: 30_000,
  }),
});
