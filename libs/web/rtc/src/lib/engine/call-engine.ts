// Over 300 lines: the commands and the call's lifecycle share one ActiveCall; what stands alone already left (CallMessages, CallRejoin, CallRecovery, CallDeadlines, DialledCandidates, PendingAnswer).
import { DOCUMENT, DestroyRef, inject } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { CallClaim, DeclineReason, usernameKey } from '@duet/shared/protocol';
import { CallDeadlines } from '../call/call-deadlines';
import { CallNotice } from '../call/call-notice';
import { CallState } from '../call/call-state';
import { CallStatus } from '../call/call-status';
import { CALL_TIMING, ringGiveUpMs } from '../call/call-timing';
import { CallClosedError } from '../call/errors';
import { DataSaverService } from '../media/data-saver.service';
import { LocalMediaService } from '../media/local-media.service';
import { TAB_STORAGE } from '../media/preference-storage';
import { RTC_ENVIRONMENT } from '../media/rtc-environment';
import { CallRecovery } from '../recovery/call-recovery';
import { mediaSample } from '../recovery/media-probe';
import { RecoveryPolicy } from '../recovery/recovery-policy';
import { SignalingClient } from '../signaling/signaling-client.service';
import { ANSWER_REQUEST, ANSWER_WAIT_MS, PendingAnswer } from './answer-request';
import { CallRejoin } from './call-rejoin';
import { CallMessages } from './call-messages';
import { CallSession, OutboundSignal } from './call-session';
import { DialledCandidates } from './dialled-candidates';

/** The call in progress: its connection, the server's name for it, and its recovery. */
export interface ActiveCall {
  session: CallSession;
  recovery: CallRecovery;
  /** The server's name for the call; null until it has named it. */
  callId: string | null;
  /** A call we dialled, until answered: our candidates, for a ring that moves from the callee's devices to their app. */
  dialled: DialledCandidates | null;
}

/**
 * The engine under PeerService (livekit's RTCEngine to its Room): one CallSession at a time, the
 * commands' work, deadlines (CALL_TIMING; a dialled call follows the server's ring timeout), track
 * swaps, renewed ICE servers, and what the app sees, written into the CallStatus it is given. Its
 * CallMessages owns the call's nine server message types; every call message we send carries the
 * server's `callId` once it has named the call.
 *
 * The call outlives the signaling socket (media is peer to peer): on a re-login the
 * SignalingClient claims it (`claim()`) for a server that restarted, the call's recovery
 * (RecoveryPolicy.forCall) restarts ICE and recovers negotiation, and a hang-up that could not be
 * sent is sent then. A reload's callback is CallRejoin's. The lexically smaller usernameKey is polite.
 */
export class CallEngine {
  private readonly signaling = inject(SignalingClient);
  private readonly media = inject(LocalMediaService);
  private readonly saver = inject(DataSaverService);
  private readonly environment = inject(RTC_ENVIRONMENT);
  private readonly timing = inject(CALL_TIMING);
  private readonly policy = inject(RecoveryPolicy);
  readonly rejoin = new CallRejoin(inject(TAB_STORAGE));
  /** The call this page was opened to answer (a notification's Answer), if any. */
  readonly answering = new PendingAnswer(inject(ANSWER_REQUEST), () => this.status.notify({ code: 'answer-expired' }));
  private readonly deadlines = new CallDeadlines(
    (state) => (state === 'calling' ? ringGiveUpMs(this.timing, this.signaling.session()) : state === 'connecting' ? this.timing.connectTimeoutMs : this.timing.reconnectGraceMs),
    (state) => (state === 'calling' ? this.giveUpRinging() : this.failCall(state === 'connecting' ? 'connection-failed' : 'media-lost')),
  );
  private call: ActiveCall | null = null;
  /** A hang-up (or decline) that could not be sent: the server may still hold that call for us. */
  private unsentHangUp: CallClaim | null = null;

  constructor(readonly status: CallStatus) {
    const destroyRef = inject(DestroyRef);
    new CallMessages(this);
    this.signaling.setCallClaimSource(() => this.claim());
    this.signaling.connectionState$.pipe(takeUntilDestroyed(destroyRef)).subscribe((state) => {
      // The call goes on peer to peer; what we send until the server has us back is lost.
      if (state !== 'open') this.call?.recovery.socketDown();
    });
    // Renewed TURN credentials: a running call's next ICE restart must not use expired ones.
    this.signaling.iceConfiguration$.pipe(takeUntilDestroyed(destroyRef)).subscribe((ice) => {
      if (ice) this.call?.session.setIceConfiguration(ice.iceServers, ice.iceTransportPolicy);
    });
    this.media.trackSwaps$.pipe(takeUntilDestroyed(destroyRef)).subscribe(({ kind, track }) => this.swapTrack(kind, track));
    this.media.state$.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => this.sendMediaState());
    // The operator's cap and the data saver, on the call's video sender as soon as either changes.
    toObservable(this.saver.videoLimits).pipe(takeUntilDestroyed(destroyRef)).subscribe((limits) => this.call && this.track(this.call.session.setVideoLimits(limits)));
    toObservable(this.saver.videoOffForBandwidth).pipe(takeUntilDestroyed(destroyRef)).subscribe(() => this.sendMediaState());
    status.callState$.pipe(takeUntilDestroyed(destroyRef)).subscribe((state) => this.entered(state));
    const view = inject(DOCUMENT).defaultView;
    const onPageHide = () => this.rejoin.memory.touch();
    view?.addEventListener('pagehide', onPageHide);
    destroyRef.onDestroy(() => {
      view?.removeEventListener('pagehide', onPageHide);
      this.answering.stop();
      this.endCall(null);
      this.status.clearEndedTimer();
    });
  }

  /** The call (ringing, dialling or live), if any. */
  get current(): ActiveCall | null {
    return this.call;
  }

  /** A hang-up made while offline, to send once the server has us back; taken once. */
  takeUnsentHangUp(): CallClaim | null {
    const unsent = this.unsentHangUp;
    this.unsentHangUp = null;
    return unsent;
  }

  /** Dials `target` as `self` (PeerService checked the request). Resolves once the offer is on its way. */
  async dial(target: string, self: string): Promise<void> {
    this.status.returnToIdle();
    this.rejoin.forgetPeer();
    const session = this.startCall(target, self, null);
    if (this.call) this.call.dialled = new DialledCandidates();
    this.status.setCallState('calling');
    await this.openWithMedia(session);
  }

  /** Answers the ringing call. Throws CallClosedError if it is gone (cancelled meanwhile). */
  async accept(): Promise<void> {
    const session = this.call?.session;
    if (!session || this.status.state !== 'ringing') throw new CallClosedError('accept');
    this.status.setCallState('connecting');
    await this.openWithMedia(session);
  }

  /** Refuses the ringing call. Throws CallClosedError if it is gone. */
  decline(reason: DeclineReason = 'declined'): void {
    const session = this.call?.session;
    if (!session || this.status.state !== 'ringing') throw new CallClosedError('decline');
    const sent = this.signaling.send({ type: 'decline', otherUsername: session.remoteUser, reason, ...this.callIdField() });
    if (!sent) this.rememberUnsentHangUp();
    this.endCall(null);
  }

  /** Ends the current call for both sides. Does nothing when there is no call. */
  hangUp(): void {
    if (!this.call) return;
    if (this.status.state === 'ringing') {
      this.decline();
      return;
    }
    this.sendClose();
    this.endCall(null);
  }

  /**
   * The server rings the callee's devices (`ringing` with `devices`): they have nothing to send
   * our candidates to until their app signs in.
   */
  ringingDevices(): void {
    this.call?.dialled?.hold();
    this.status.setRingingDevices(true);
  }

  /**
   * The callee's app signed in and the ring goes on as call `callId` (`ringing` with `replaces`):
   * our candidates so far go out again under it, and it rings for a whole ring timeout more.
   */
  ringContinued(callId: string): void {
    const call = this.call;
    if (!call) return;
    call.callId = callId;
    this.status.setRingingDevices(false);
    for (const candidate of call.dialled?.release() ?? []) {
      this.signaling.send({ type: 'candidate', candidate, otherUsername: call.session.remoteUser, callId });
    }
    if (this.status.state === 'calling') this.deadlines.enter('calling');
  }

  /** After a login: the page was opened to answer a call, which the server hands over now. */
  awaitAnswerRequest(): void {
    this.answering.loggedIn(Math.min(ANSWER_WAIT_MS, ringGiveUpMs(this.timing, this.signaling.session())));
  }

  /** What a re-login claims: the call we are in, once the server has named it. */
  private claim(): CallClaim | null {
    const call = this.call;
    return call && call.callId !== null ? { callId: call.callId, otherUsername: call.session.remoteUser } : null;
  }

  /** Hangs up the current call on the server; offline, remembers to do so once the server has us back. */
  private sendClose(): void {
    const session = this.call?.session;
    if (!session) return;
    if (!this.signaling.send({ type: 'close', otherUsername: session.remoteUser, ...this.callIdField() })) {
      this.rememberUnsentHangUp();
    }
  }

  private rememberUnsentHangUp(): void {
    const claim = this.claim();
    if (claim) this.unsentHangUp = claim;
  }

  private callIdField(): { callId?: string } {
    const callId = this.call?.callId ?? null;
    return callId === null ? {} : { callId };
  }

  startCall(remoteUser: string, self: string, callId: string | null): CallSession {
    const ice = this.signaling.iceConfiguration();
    const polite = usernameKey(self) < usernameKey(remoteUser);
    const current = () => this.call?.session === session;
    const recovery = this.policy.forCall(polite, {
      restartIce: (attempt) => {
        if (!current()) return;
        console.debug(attempt === 0 ? '[call] ICE restart (media stalled)' : `[call] ICE restart #${attempt}`);
        session.restartIce();
      },
      recoverNegotiation: () => {
        if (!current()) return;
        console.debug('[call] recovering negotiation after the signaling outage');
        this.track(session.recoverNegotiation());
      },
      awaitingAnswer: () => current() && session.awaitingAnswer,
      sampleMedia: async () => {
        const pc = current() ? session.connection : null;
        return pc && mediaSample(pc, this.status.remoteMedia(), this.peerReachable());
      },
      mediaStalled: (stalled) => {
        if (!current()) return;
        // A frozen call says so, and its reconnect deadline runs, as for a path the browser calls broken.
        if (stalled && this.status.state === 'connected') this.status.setCallState('reconnecting');
        if (!stalled && this.status.state === 'reconnecting' && session.connection?.connectionState === 'connected') {
          this.status.setCallState('connected');
        }
      },
    });
    const session: CallSession = new CallSession({
      remoteUser,
      polite,
      iceServers: ice?.iceServers ?? [],
      iceTransportPolicy: ice?.iceTransportPolicy ?? 'all',
      watchIceStart: (stalled, restart) => recovery.watchIceStart(stalled, restart),
      environment: this.environment,
      signal: (message: OutboundSignal) => {
        if (!current()) return;
        const dialled = this.call?.dialled;
        if (message.type === 'candidate' && dialled && !dialled.keep(message.candidate)) return;
        const rejoin = message.type === 'offer' ? this.rejoin.takeCallbackKey() : {};
        this.signaling.send({ ...message, otherUsername: remoteUser, ...this.callIdField(), ...rejoin });
      },
      remoteStream: (stream) => {
        if (current()) this.status.setRemoteStream(stream);
      },
      connectionStateChange: (state) => {
        if (current()) this.onConnectionState(state);
      },
      controlOpen: () => {
        if (!current()) return;
        this.sendMediaState();
        const key = this.rejoin.ourKey;
        if (key !== null) session.sendControl({ type: 'rejoin-key', key });
      },
      control: (message) => {
        if (!current()) return;
        if (message.type === 'rejoin-key') {
          if (this.rejoin.receiveKey(message.key) && this.status.state === 'connected') this.rememberForRejoin();
          return;
        }
        const { micMuted, cameraOff, screenSharing, cameraOffReason } = message;
        this.status.setRemoteMedia({ micMuted, cameraOff, screenSharing, ...(cameraOffReason && { cameraOffReason }) });
      },
      peerConnection: (pc) => {
        if (current()) this.status.setPeerConnection(pc);
      },
    });
    this.track(session.setVideoLimits(this.saver.videoLimits()));
    this.call = { session, recovery, callId, dialled: null };
    this.rejoin.callStarted();
    this.status.begin(remoteUser);
    return session;
  }

  private async openWithMedia(session: CallSession): Promise<void> {
    const stream = await this.media.acquireForCall();
    if (session.isClosed) return;
    try {
      await session.open(stream);
    } catch (error) {
      if (error instanceof CallClosedError) return;
      console.warn('[call] could not start the connection', error);
      this.failCall('setup-failed');
    }
  }

  private swapTrack(kind: 'audio' | 'video', track: MediaStreamTrack | null): void {
    const session = this.call?.session;
    if (!session) return;
    console.debug(track ? `[call] sending another ${kind} track (${track.label})` : `[call] sending no ${kind}`);
    session
      .replaceTrack(kind, track)
      .then((sent) => {
        if (!sent && this.call?.session === session) this.status.notify({ code: 'cannot-send', kind });
      })
      .catch((error: unknown) => this.logStepFailure(error));
  }

  private sendMediaState(): void {
    // Off for bandwidth: the other side says why, so nobody thinks it was turned off at them.
    const weak = this.saver.videoOffForBandwidth() && this.media.cameraOff();
    this.call?.session.sendControl({ type: 'media-state', ...this.media.state(), ...(weak && { cameraOffReason: 'bandwidth' as const }) });
  }

  /** Signaling vouches for the peer: we are logged in on an open socket and the server has not said it is away. */
  private peerReachable(): boolean {
    return this.signaling.connectionState() === 'open' && this.signaling.loginState() === 'logged-in' && !this.status.peerReconnecting();
  }

  private onConnectionState(state: RTCPeerConnectionState): void {
    const current = this.status.state;
    if (state === 'connected') {
      this.call?.recovery.connected();
      this.status.setCallState('connected');
      return;
    }
    if (state !== 'disconnected' && state !== 'failed') return;
    if (current === 'connected' || current === 'reconnecting') {
      this.status.setCallState('reconnecting');
      this.call?.recovery.connectionState(state);
    } else if (state === 'failed') {
      this.failCall();
    }
  }

  /** The call entered `state`: its deadline, and the tab's record of it. */
  private entered(state: CallState): void {
    if (state === 'connected') this.rememberForRejoin();
    if (state === 'ended') this.rejoin.memory.forget();
    this.deadlines.enter(state);
  }

  private rememberForRejoin(): void {
    const self = this.signaling.session()?.username;
    if (this.call && self) this.rejoin.remember(self, this.call.session.remoteUser);
  }

  private giveUpRinging(): void {
    const session = this.call?.session;
    if (!session) return;
    this.sendClose();
    this.endCall({ code: 'no-answer', peer: session.remoteUser });
  }

  /** Ends the call for both sides because the media path could not be made or kept. */
  failCall(code: 'connection-failed' | 'media-lost' | 'setup-failed' = 'connection-failed'): void {
    const session = this.call?.session;
    if (!session) return;
    this.sendClose();
    this.endCall(code === 'setup-failed' ? { code } : { code, peer: session.remoteUser });
  }

  endCall(notice: CallNotice | null): void {
    const call = this.call;
    if (!call) return;
    this.call = null;
    this.rejoin.callEnded();
    call.recovery.stop();
    call.session.close();
    this.status.setPeerConnection(null);
    this.media.release();
    this.status.ended(notice);
  }

  callWith(username: string): ActiveCall | null {
    const call = this.call;
    return call && usernameKey(call.session.remoteUser) === usernameKey(username) ? call : null;
  }

  /** Signaling steps run in the background; a step on a call that has since ended is not an error. */
  track(step: Promise<void>): void {
    step.catch((error: unknown) => this.logStepFailure(error));
  }

  logStepFailure(error: unknown): void {
    if (error instanceof CallClosedError) console.debug(`[call] ${error.message}`);
    else console.warn('[call] a signaling step failed', error);
  }
}
