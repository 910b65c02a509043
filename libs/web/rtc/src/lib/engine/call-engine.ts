import { DOCUMENT, DestroyRef, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { CallClaim, DeclineReason, usernameKey } from '@duet/shared/protocol';
import { CallDeadlines } from '../call/call-deadlines';
import { CallNotice } from '../call/call-notice';
import { CallState } from '../call/call-state';
import { CallStatus } from '../call/call-status';
import { CALL_TIMING, ringGiveUpMs } from '../call/call-timing';
import { CallClosedError } from '../call/errors';
import { LocalMediaService } from '../media/local-media.service';
import { TAB_STORAGE } from '../media/preference-storage';
import { RTC_ENVIRONMENT } from '../media/rtc-environment';
import { CallRecovery } from '../recovery/call-recovery';
import { RecoveryPolicy } from '../recovery/recovery-policy';
import { ServerMessageOf, SignalingClient, SignalingSession } from '../signaling/signaling-client.service';
import { CallRejoin } from './call-rejoin';
import { CallSession, OutboundSignal } from './call-session';
import { errorOutcome } from './server-error';

type CallMessage = ServerMessageOf<
  'offer' | 'answer' | 'candidate' | 'close' | 'decline' | 'error' | 'ringing' | 'reconnecting' | 'reconnected'
>;

/** The call in progress: its connection, the server's name for it, and its recovery. */
interface ActiveCall {
  session: CallSession;
  recovery: CallRecovery;
  /** The server's name for the call; null until it has named it. */
  callId: string | null;
}

/**
 * The engine under PeerService (livekit's RTCEngine to its Room): it owns the server's `offer`,
 * `answer`, `candidate`, `close`, `decline`, `error`, `ringing`, `reconnecting` and `reconnected`
 * messages (login belongs to SignalingClient, users and presence to PresenceService), one
 * CallSession at a time, and writes what the app sees into the CallStatus it is given.
 *
 * The server names each call (`callId`, from `ringing`, the offer, or a resumed login); we send it
 * back on everything about the call and ignore messages that name another one. Deadlines bound
 * every waiting state (CALL_TIMING; a dialled call follows the server's ring timeout).
 *
 * The call outlives the signaling socket (media is peer to peer). When the socket drops, the
 * SignalingClient resumes the session, or claims the call on a server that restarted (`claim()`);
 * the call's recovery (RecoveryPolicy.forCall) follows that, restarts ICE, and recovers
 * negotiation once the server has us back. A hang-up that could not be sent is sent then.
 *
 * A reload ends the page's call; the reloaded page calls the same person back and the peer takes
 * that call by itself (CallRejoin). Roles: the side whose usernameKey sorts first is polite.
 */
export class CallEngine {
  private readonly signaling = inject(SignalingClient);
  private readonly media = inject(LocalMediaService);
  private readonly environment = inject(RTC_ENVIRONMENT);
  private readonly timing = inject(CALL_TIMING);
  private readonly policy = inject(RecoveryPolicy);
  private readonly rejoin = new CallRejoin(inject(TAB_STORAGE));
  private readonly deadlines = new CallDeadlines(
    (state) => (state === 'calling' ? ringGiveUpMs(this.timing, this.signaling.session()) : state === 'connecting' ? this.timing.connectTimeoutMs : this.timing.reconnectGraceMs),
    (state) => (state === 'calling' ? this.giveUpRinging() : this.failCall(state === 'connecting' ? 'connection-failed' : 'media-lost')),
  );
  private call: ActiveCall | null = null;
  /** A hang-up (or decline) that could not be sent: the server may still hold that call for us. */
  private unsentHangUp: CallClaim | null = null;

  constructor(private readonly status: CallStatus) {
    const destroyRef = inject(DestroyRef);
    this.signaling
      .claim('offer', 'answer', 'candidate', 'close', 'decline', 'error', 'ringing', 'reconnecting', 'reconnected')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((message) => this.receive(message));
    this.signaling.setCallClaimSource(() => this.claim());
    this.signaling.connectionState$.pipe(takeUntilDestroyed(destroyRef)).subscribe((state) => {
      // The call goes on peer to peer; what we send until the server has us back is lost.
      if (state !== 'open') this.call?.recovery.socketDown();
    });
    this.signaling.session$.pipe(takeUntilDestroyed(destroyRef)).subscribe((login) => this.onLogin(login));
    // Renewed TURN credentials: a running call's next ICE restart must not use expired ones.
    this.signaling.iceConfiguration$.pipe(takeUntilDestroyed(destroyRef)).subscribe((ice) => {
      if (ice) this.call?.session.setIceConfiguration(ice.iceServers, ice.iceTransportPolicy);
    });
    this.media.trackSwaps$.pipe(takeUntilDestroyed(destroyRef)).subscribe(({ kind, track }) => this.swapTrack(kind, track));
    this.media.state$.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => this.sendMediaState());
    status.callState$.pipe(takeUntilDestroyed(destroyRef)).subscribe((state) => this.entered(state));
    const view = inject(DOCUMENT).defaultView;
    const onPageHide = () => this.rejoin.memory.touch();
    view?.addEventListener('pagehide', onPageHide);
    destroyRef.onDestroy(() => {
      view?.removeEventListener('pagehide', onPageHide);
      this.endCall(null);
      this.status.clearEndedTimer();
    });
  }

  /** A call (ringing, dialling or live) exists. */
  get inCall(): boolean {
    return this.call !== null;
  }

  /** Dials `target` as `self` (PeerService checked the request). Resolves once the offer is on its way. */
  async dial(target: string, self: string): Promise<void> {
    this.status.returnToIdle();
    this.rejoin.forgetPeer();
    const session = this.startCall(target, self, null);
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

  private receive(message: CallMessage): void {
    if ('callId' in message && this.rejoin.isLeftCall(message.callId)) {
      console.debug(`[call] ignored "${message.type}" of the call the old page was in`);
      return;
    }
    if (message.type === 'error') {
      const outcome = errorOutcome(message, this.call?.session.remoteUser ?? null, this.status.state === 'calling');
      if (outcome.action === 'end') this.endCall(outcome.notice);
      else if (outcome.action === 'fail-setup') this.failCall('setup-failed');
      else if (outcome.action === 'notify') this.status.notify(outcome.notice);
      return;
    }
    if (message.type === 'offer') {
      this.receiveOffer(message);
      return;
    }
    const call = this.callWith(message.username);
    if (!call) return;
    if (message.callId !== undefined && call.callId !== null && message.callId !== call.callId) {
      console.debug(`[call] ignored "${message.type}" of another call`);
      return;
    }
    switch (message.type) {
      case 'ringing':
        call.callId = message.callId;
        this.status.setRemoteUser(message.username);
        return;
      case 'answer':
        if (this.status.state === 'calling') this.status.setCallState('connecting');
        this.track(call.session.receiveDescription(message.answer));
        return;
      case 'candidate':
        this.track(call.session.receiveCandidate(message.candidate));
        return;
      case 'close':
        this.receiveClose(message, call);
        return;
      case 'decline':
        this.endCall({ code: message.reason === 'busy' ? 'busy' : 'declined', peer: message.username });
        return;
      case 'reconnecting':
        this.status.setPeerReconnecting(true);
        return;
      case 'reconnected':
        this.status.setPeerReconnecting(false);
        // After a server restart, this is when our claim was matched and the call relays again.
        call.recovery.peerClaimMatched();
        return;
    }
  }

  private receiveOffer({ username: from, offer, callId, rejoin: rejoinKey }: ServerMessageOf<'offer'>): void {
    const self = this.signaling.session()?.username;
    if (!self) return;
    this.status.returnToIdle();
    const same = this.callWith(from);
    if (same && callId !== undefined && same.callId !== null && callId !== same.callId) {
      // A new call from the same person: the server ended ours, whatever we missed of that.
      this.endCall(null);
      this.status.returnToIdle();
    }
    const call = this.call;
    if (!call) {
      const rejoin = this.rejoin.isRejoin(from, rejoinKey);
      const incoming = this.startCall(from, self, callId ?? null);
      this.status.setCallState('ringing');
      this.track(incoming.receiveDescription(offer));
      if (rejoin) {
        // They left our call a moment ago (a reload) and call back: the call goes on without a click.
        this.status.notify({ code: 'peer-rejoined', peer: from });
        this.accept().catch((error: unknown) => this.logStepFailure(error));
      }
      return;
    }
    if (usernameKey(call.session.remoteUser) !== usernameKey(from)) {
      // The server answers "busy" itself; this only guards against a relay that does not.
      this.signaling.send({ type: 'decline', otherUsername: from, reason: 'busy' });
      return;
    }
    call.callId ??= callId ?? null;
    // Glare: they called us while we called them. Their offer means yes; negotiation sorts out who answers.
    if (this.status.state === 'calling') this.status.setCallState('connecting');
    this.track(call.session.receiveDescription(offer));
  }

  private receiveClose(message: ServerMessageOf<'close'>, call: ActiveCall): void {
    const peer = message.username;
    const ringing = this.status.state === 'ringing';
    if (message.reason === 'disconnected' && this.status.connectedAt() !== null) {
      this.rejoin.peerLeft(peer, this.policy.rejoinWindowMs(this.signaling.session()));
    }
    if (message.reason === 'timeout') this.endCall({ code: ringing ? 'missed' : 'no-answer', peer });
    else if (message.reason === 'hangup') this.endCall({ code: ringing ? 'cancelled' : 'hung-up', peer });
    // Disconnected: they were gone for the whole resume window, or our own claim found no partner.
    else if (call.recovery.claimed) this.endCall({ code: 'call-not-restored', peer });
    else if (this.status.peerReconnecting()) this.endCall({ code: 'peer-lost', peer });
    else this.endCall({ code: 'peer-disconnected', peer });
  }

  /** Every accepted login; after a signaling gap, it says whether the server still had us. */
  private onLogin(login: SignalingSession | null): void {
    const call = this.call;
    if (!login) {
      if (call) this.endCall({ code: 'server-lost' });
      return;
    }
    if (!call) this.rejoinAfterReload(login);
    const unsent = this.unsentHangUp;
    this.unsentHangUp = null;
    if (unsent && login.resumed && login.call?.callId === unsent.callId) {
      // We hung up while offline and the server kept the call for us: say it now.
      this.signaling.send({ type: 'close', otherUsername: unsent.otherUsername, callId: unsent.callId });
    }
    if (!call) return;
    // After a fresh login the server knows nothing of a call it never named: that call is gone.
    if (call.recovery.loggedIn(login.resumed, login.call?.callId ?? null, call.callId) === 'lost') {
      this.endCall({ code: 'server-lost' });
    }
  }

  /** The first login after a reload that cut a connected call short: call the same person back. */
  private rejoinAfterReload(login: SignalingSession): void {
    if (login.call) {
      // The server still held our session (its socket had dropped before the reload), call and
      // all; that call's connection went with the old page, so end it (a rejoin calls anew).
      this.signaling.send({ type: 'close', otherUsername: login.call.otherUsername, callId: login.call.callId });
      this.rejoin.leftCall(login.call.callId);
    }
    const record = this.rejoin.takeRecord(login.username, this.policy.rejoinWindowMs(login));
    if (!record) return;
    console.debug('[call] the page reloaded during a call; calling back');
    this.rejoin.setCallbackKey(record.key);
    this.dial(record.otherUsername, login.username).catch((error: unknown) => this.logStepFailure(error));
    if (!this.call) this.rejoin.setCallbackKey(null); // the call did not start: no later call carries the key
    // After dial(): a new call clears the last notice, and this one is about the new call.
    if (this.call) this.status.notify({ code: 'rejoining', peer: record.otherUsername });
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

  private startCall(remoteUser: string, self: string, callId: string | null): CallSession {
    const ice = this.signaling.iceConfiguration();
    const polite = usernameKey(self) < usernameKey(remoteUser);
    const current = () => this.call?.session === session;
    const recovery = this.policy.forCall(polite, {
      restartIce: (attempt) => {
        if (!current()) return;
        console.debug(`[call] ICE restart #${attempt}`);
        session.restartIce();
      },
      recoverNegotiation: () => {
        if (!current()) return;
        console.debug('[call] recovering negotiation after the signaling outage');
        this.track(session.recoverNegotiation());
      },
      awaitingAnswer: () => current() && session.awaitingAnswer,
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
        const { micMuted, cameraOff, screenSharing } = message;
        this.status.setRemoteMedia({ micMuted, cameraOff, screenSharing });
      },
      peerConnection: (pc) => {
        if (current()) this.status.setPeerConnection(pc);
      },
    });
    this.call = { session, recovery, callId };
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
    this.call?.session.sendControl({ type: 'media-state', ...this.media.state() });
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
  private failCall(code: 'connection-failed' | 'media-lost' | 'setup-failed' = 'connection-failed'): void {
    const session = this.call?.session;
    if (!session) return;
    this.sendClose();
    this.endCall(code === 'setup-failed' ? { code } : { code, peer: session.remoteUser });
  }

  private endCall(notice: CallNotice | null): void {
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

  private callWith(username: string): ActiveCall | null {
    const call = this.call;
    return call && usernameKey(call.session.remoteUser) === usernameKey(username) ? call : null;
  }

  /** Signaling steps run in the background; a step on a call that has since ended is not an error. */
  private track(step: Promise<void>): void {
    step.catch((error: unknown) => this.logStepFailure(error));
  }

  private logStepFailure(error: unknown): void {
    if (error instanceof CallClosedError) console.debug(`[call] ${error.message}`);
    else console.warn('[call] a signaling step failed', error);
  }
}
