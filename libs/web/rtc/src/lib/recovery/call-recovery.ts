import { IceRecovery, IceRecoveryTiming } from './ice-recovery';
import { IceStartWatch } from './ice-start-watch';
import { MediaSample, MediaStallTiming, MediaStallWatch } from './media-stall-watch';
import { LoginOutcome, SignalingGap } from './signaling-gap';

/** What recovery asks of the call it looks after. */
export interface CallRecoveryActions {
  /** Restart ICE (attempt n of this broken spell; 0: media stopped arriving, media-stall-watch.ts). */
  restartIce(attempt: number): void;
  /** A look at the call's connection for the stall watch; null when there is none to judge. */
  sampleMedia(): Promise<MediaSample | null>;
  /**
   * Media stopped on a path the browser still calls `connected` and ICE restarted for it (`true`),
   * or the picture moves again after that (`false`): what people see should say so.
   */
  mediaStalled(stalled: boolean): void;
  /** Signaling is back and what we sent meanwhile is presumed lost: take back our offer, restart ICE. */
  recoverNegotiation(): void;
  /** Our offer is out and its answer has not come. */
  awaitingAnswer(): boolean;
}

export interface CallRecoveryTiming {
  iceRecovery: IceRecoveryTiming;
  stalledIceStartMs: number;
  restoreSettleMs: number;
  mediaStall: MediaStallTiming;
}

/**
 * One call's recovery, handed out by RecoveryPolicy.forCall: every ICE-restart decision of the
 * call, through three private parts with their timers:
 *
 * - IceRecovery (ice-recovery.ts): the media path broke (`disconnected`, `failed`): restart ICE
 *   after a grace, with backoff, until it works;
 * - IceStartWatch (ice-start-watch.ts): a negotiation finished but ICE never started: restart it;
 * - SignalingGap (signaling-gap.ts): the signaling socket dropped during the call: what a login
 *   means for it, and once the server relays for us again, recover negotiation when an offer is
 *   unanswered or the path is broken;
 * - MediaStallWatch (media-stall-watch.ts): from the first working path on, reads the
 *   connection's stats every `sampleEveryMs` and restarts ICE (up to 3 times) when media stopped arriving
 *   while the connection still says `connected` (a dead relay, long before consent checks fail).
 */
export class CallRecovery {
  private readonly ice: IceRecovery;
  private readonly gap: SignalingGap;
  private readonly watches: IceStartWatch[] = [];
  private readonly stall: MediaStallWatch;
  private sampleTimer: ReturnType<typeof setInterval> | null = null;
  private sampling = false;
  private stopped = false;
  /** The call was told its media stalled (once per stall, until the picture moves again). */
  private stallShown = false;

  constructor(
    private readonly timing: CallRecoveryTiming,
    private readonly polite: boolean,
    private readonly actions: CallRecoveryActions,
    private readonly onStop: () => void = () => undefined,
  ) {
    this.stall = new MediaStallWatch(timing.mediaStall, polite);
    this.ice = new IceRecovery(timing.iceRecovery, polite, (attempt) => actions.restartIce(attempt));
    this.gap = new SignalingGap(timing.restoreSettleMs, () => {
      // Signaling is back; an offer still unanswered, or a path still broken, starts over.
      if (actions.awaitingAnswer() || this.ice.isBroken) actions.recoverNegotiation();
    });
  }

  /** Feed every `RTCPeerConnection.connectionState` change of a call that had connected. */
  connectionState(state: RTCPeerConnectionState): void {
    this.ice.onConnectionState(state);
  }

  /** The path works (again): no restart is due; from now on media that stops arriving is noticed. */
  connected(): void {
    this.ice.stop();
    this.stall.pathReconnected(Date.now());
    if (this.sampleTimer === null && !this.stopped) {
      this.sampleTimer = setInterval(() => void this.sampleMedia(), this.timing.mediaStall.sampleEveryMs);
    }
  }

  /** For CallSession: restarts ICE when a negotiation finished and ICE never started. */
  watchIceStart(stalled: () => boolean, restart: () => void): IceStartWatch {
    const watch = new IceStartWatch(this.timing.stalledIceStartMs, this.polite, stalled, restart);
    this.watches.push(watch);
    return watch;
  }

  /** The signaling socket is not open: whatever the call sends now is lost. */
  socketDown(): void {
    this.gap.socketDown();
  }

  /** A login was accepted during the call (see SignalingGap). */
  loggedIn(resumed: boolean, resumedCallId: string | null, callId: string | null): LoginOutcome {
    return this.gap.loggedIn(resumed, resumedCallId, callId);
  }

  /** After a server restart: the peer claimed the call too (`reconnected`). */
  peerClaimMatched(): void {
    this.gap.peerClaimMatched();
  }

  /** Our claim of the call waits for the peer's: a `close` now means it could not be restored. */
  get claimed(): boolean {
    return this.gap.claimed;
  }

  /** The call ended: no timer of it runs on. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.gap.dispose();
    this.ice.stop();
    for (const watch of this.watches.splice(0)) watch.disarm();
    if (this.sampleTimer !== null) clearInterval(this.sampleTimer);
    this.sampleTimer = null;
    this.onStop();
  }

  /** One sample at a time: a getStats slower than the interval (a busy machine) is not stacked up. */
  private async sampleMedia(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const sample = await this.actions.sampleMedia();
      if (!sample || this.stopped) return;
      // While signaling is down (or not yet back) a restart could not reach the peer.
      const judged = { ...sample, peerReachable: sample.peerReachable && !this.gap.open };
      const verdict = this.stall.sample(judged);
      if (verdict === 'restart') {
        console.debug('[call] no media for a while on a connected path; restarting ICE');
        // Once per stall: a later restart of the same stall must not take back a `connected` the browser gave.
        if (!this.stallShown) this.actions.mediaStalled(true);
        this.stallShown = true;
        this.actions.restartIce(0);
      } else if (verdict === 'recovered') {
        this.stallShown = false;
        this.actions.mediaStalled(false);
      }
    } finally {
      this.sampling = false;
    }
  }
}
