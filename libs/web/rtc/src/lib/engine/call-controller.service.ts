import { DOCUMENT, DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { CallClaim, DeclineReason, ErrorMessage, usernameKey } from '@duet/shared/protocol';
import { BehaviorSubject, Observable, Subject } from 'rxjs';
import { CallNotice } from '../call/call-notice';
import { CallRejoinMemory } from './call-rejoin';
import { CallSession, OutboundSignal } from './call-session';
import { CallState, canTransition, isInCall } from '../call/call-state';
import { RemoteMediaState, UNKNOWN_REMOTE_MEDIA, makeRejoinKey } from './control-channel';
import { CallClosedError, NotLoggedInError } from '../call/errors';
import { CALL_TIMING } from '../call/call-timing';
import { IceRecovery } from '../recovery/ice-recovery';
import { SignalingGap } from '../recovery/signaling-gap';
import { LocalMediaService } from '../media/local-media.service';
import { TAB_STORAGE } from '../media/preference-storage';
import { RTC_ENVIRONMENT } from '../media/rtc-environment';
import { ServerMessageOf, SignalingClient, SignalingSession } from '../signaling/signaling-client.service';

type CallMessage = ServerMessageOf<
  'offer' | 'answer' | 'candidate' | 'close' | 'decline' | 'error' | 'ringing' | 'reconnecting' | 'reconnected'
>;

/**
 * The call: one remote user, one CallSession, and the state machine (`setCallState` is the only writer):
 *
 *   idle ──call()──────────> calling ──answer, or their offer (glare)──┐
 *   idle ──incoming offer──> ringing ──accept()────────────────────────┴─> connecting
 *   connecting ──ICE connected──> connected ──ICE disconnected/failed──> reconnecting ──ICE restarts work──> connected
 *   calling | ringing | connecting | connected | reconnecting ──hang-up, close, decline, failure──> ended
 *   ended ──after endedLingerMs, or at once when a new call starts──> idle
 *
 * Deadlines bound every waiting state (CALL_TIMING); `reconnecting` is where IceRecovery restarts
 * ICE. The server names each call (`callId`, from `ringing`, the offer, or a resumed login); we send
 * it back on everything about the call and ignore messages that name another one.
 *
 * The call outlives the signaling socket (media is peer to peer). When the socket drops, the
 * SignalingClient resumes the session, or claims the call on a server that restarted; SignalingGap
 * follows that for the call, and once the server has us back, negotiation is recovered (anything
 * we sent meanwhile is presumed lost).
 *
 * A reload ends the page's call (its RTCPeerConnection is gone, and the server hears the tab leave).
 * The tab remembers a connected call (CallRejoinMemory), and the reloaded page calls the same
 * person back once logged in; the peer, whose call just ended because we left, takes a call from
 * us within `rejoinWindowMs` by itself. Both sides say what happened.
 *
 * It owns the server's `offer`, `answer`, `candidate`, `close`, `decline`, `error`, `ringing`,
 * `reconnecting` and `reconnected` messages (login belongs to SignalingClient, users and presence to
 * PresenceService). Roles: the side whose usernameKey sorts first is polite.
 */
@Injectable({ providedIn: 'root' })
export class CallController {
  private readonly signaling = inject(SignalingClient);
  private readonly media = inject(LocalMediaService);
  private readonly environment = inject(RTC_ENVIRONMENT);
  private readonly timing = inject(CALL_TIMING);

  private readonly callStateSubject = new BehaviorSubject<CallState>('idle');
  private readonly remoteUserState = signal<string | null>(null);
  private readonly remoteStreamSubject = new BehaviorSubject<MediaStream | null>(null);
  private readonly remoteMediaState = signal<RemoteMediaState>(UNKNOWN_REMOTE_MEDIA);
  private readonly connectedAtState = signal<number | null>(null);
  private readonly peerReconnectingState = signal(false);
  private readonly noticesSubject = new Subject<CallNotice>();
  private readonly peerConnectionSubject = new BehaviorSubject<RTCPeerConnection | null>(null);

  readonly callState$: Observable<CallState> = this.callStateSubject.asObservable();
  readonly remoteStream$: Observable<MediaStream | null> = this.remoteStreamSubject.asObservable();
  readonly notices$: Observable<CallNotice> = this.noticesSubject.asObservable();
  readonly callState = toSignal(this.callState$, { requireSync: true });
  readonly remoteStream = toSignal(this.remoteStream$, { requireSync: true });
  /** The other party of the current (or just ended) call. */
  readonly remoteUser = this.remoteUserState.asReadonly();
  /** Their microphone, camera and screen share, as their control channel last said. */
  readonly remoteMedia = this.remoteMediaState.asReadonly();
  /** When the call first connected (epoch ms), for the call timer; null before that. */
  readonly connectedAt = this.connectedAtState.asReadonly();
  /** The server says the other party lost its signaling connection and may come back. */
  readonly peerReconnecting = this.peerReconnectingState.asReadonly();
  /**
   * The current call's connection, emitted synchronously as it is created (before its first offer,
   * so pre-negotiated channels made then ride on it), and null once the call ends.
   */
  readonly peerConnection$: Observable<RTCPeerConnection | null> = this.peerConnectionSubject.asObservable();

  private session: CallSession | null = null;
  /** The server's name for the current call; null until it has named it. */
  private callId: string | null = null;
  private recovery: IceRecovery | null = null;
  private gap: SignalingGap | null = null;
  /** A hang-up (or decline) that could not be sent: the server may still hold that call for us. */
  private unsentHangUp: CallClaim | null = null;
  private deadline: ReturnType<typeof setTimeout> | null = null;
  private endedTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly rejoinMemory = new CallRejoinMemory(inject(TAB_STORAGE));
  /** Whose call just ended because they left (their page closed or reloaded), and until when we take their call back. */
  private rejoinable: { peerKey: string; until: number; key: string } | null = null;
  /** The key we gave the other side of this call, and the one it gave us (control-channel.ts, rejoin-key). */
  private rejoinKeys: { ours: string; theirs: string | null } | null = null;
  /** The key our next offer carries: we reloaded mid-call and call the same person back. */
  private callbackKey: string | null = null;
  /** The call a reloaded page ended on the server (rejoinAfterReload): what is still kept for it is void. */
  private leftCallId: string | null = null;

  constructor() {
    const destroyRef = inject(DestroyRef);
    this.signaling
      .claim('offer', 'answer', 'candidate', 'close', 'decline', 'error', 'ringing', 'reconnecting', 'reconnected')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((message) => this.receive(message));
    this.signaling.setCallClaimSource(() => this.claim());
    this.signaling.connectionState$.pipe(takeUntilDestroyed(destroyRef)).subscribe((state) => {
      // The call goes on peer to peer; what we send until the server has us back is lost.
      if (state !== 'open') this.gap?.socketDown();
    });
    this.signaling.session$.pipe(takeUntilDestroyed(destroyRef)).subscribe((session) => this.onLogin(session));
    // Renewed TURN credentials: a running call's next ICE restart must not use expired ones.
    this.signaling.iceConfiguration$.pipe(takeUntilDestroyed(destroyRef)).subscribe((ice) => {
      if (ice) this.session?.setIceConfiguration(ice.iceServers, ice.iceTransportPolicy);
    });
    this.media.trackSwaps$.pipe(takeUntilDestroyed(destroyRef)).subscribe(({ kind, track }) => {
      const session = this.session;
      if (!session) return;
      console.debug(track ? `[call] sending another ${kind} track (${track.label})` : `[call] sending no ${kind}`);
      session
        .replaceTrack(kind, track)
        .then((sent) => {
          if (!sent && this.session === session) this.notify({ code: 'cannot-send', kind });
        })
        .catch((error: unknown) => this.logStepFailure(error));
    });
    this.media.state$.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => this.sendMediaState());
    const view = inject(DOCUMENT).defaultView;
    const onPageHide = () => this.rejoinMemory.touch();
    view?.addEventListener('pagehide', onPageHide);
    destroyRef.onDestroy(() => {
      view?.removeEventListener('pagehide', onPageHide);
      this.endCall(null);
      this.clearTimer('ended');
    });
  }

  /** Dials `username`. Resolves once the offer is on its way (or the call could not start). */
  async call(username: string): Promise<void> {
    const self = this.signaling.session()?.username;
    if (!self) throw new NotLoggedInError();
    const target = username.trim();
    if (!target) return;
    if (usernameKey(target) === usernameKey(self)) {
      this.notify({ code: 'self-call' });
      return;
    }
    if (isInCall(this.callStateSubject.value)) {
      this.notify({ code: 'already-in-call' });
      return;
    }
    // Refused at once: an offer sent now would be lost, and the callee would never ring.
    if (this.signaling.connectionState() !== 'open') {
      this.notify({ code: 'signaling-offline' });
      return;
    }
    this.returnToIdle();
    this.rejoinable = null;
    const session = this.startSession(target, self, null);
    this.setCallState('calling');
    await this.openWithMedia(session);
  }

  /** Answers the ringing call. Throws CallClosedError if it is gone (cancelled meanwhile). */
  async accept(): Promise<void> {
    const session = this.session;
    if (!session || this.callStateSubject.value !== 'ringing') throw new CallClosedError('accept');
    this.setCallState('connecting');
    await this.openWithMedia(session);
  }

  /** Refuses the ringing call. Throws CallClosedError if it is gone. */
  decline(reason: DeclineReason = 'declined'): void {
    const session = this.session;
    if (!session || this.callStateSubject.value !== 'ringing') throw new CallClosedError('decline');
    const sent = this.signaling.send({ type: 'decline', otherUsername: session.remoteUser, reason, ...this.callIdField() });
    if (!sent) this.rememberUnsentHangUp();
    this.endCall(null);
  }

  /** Ends the current call for both sides. Does nothing when there is no call. */
  hangUp(): void {
    const session = this.session;
    if (!session) return;
    if (this.callStateSubject.value === 'ringing') {
      this.decline();
      return;
    }
    this.sendClose();
    this.endCall(null);
  }

  private receive(message: CallMessage): void {
    if ('callId' in message && message.callId !== undefined && message.callId === this.leftCallId) {
      console.debug(`[call] ignored "${message.type}" of the call the old page was in`);
      return;
    }
    if (message.type === 'error') {
      this.receiveError(message);
      return;
    }
    if (message.type === 'offer') {
      this.receiveOffer(message);
      return;
    }
    const session = this.sessionWith(message.username);
    if (!session) return;
    if (message.callId !== undefined && this.callId !== null && message.callId !== this.callId) {
      console.debug(`[call] ignored "${message.type}" of another call`);
      return;
    }
    switch (message.type) {
      case 'ringing':
        this.callId = message.callId;
        // The name as the server has it, not as typed in the call box ("Bob" rings bob).
        this.remoteUserState.set(message.username);
        return;
      case 'answer':
        if (this.callStateSubject.value === 'calling') this.setCallState('connecting');
        this.track(session.receiveDescription(message.answer));
        return;
      case 'candidate':
        this.track(session.receiveCandidate(message.candidate));
        return;
      case 'close':
        this.receiveClose(message);
        return;
      case 'decline':
        this.endCall({ code: message.reason === 'busy' ? 'busy' : 'declined', peer: message.username });
        return;
      case 'reconnecting':
        this.peerReconnectingState.set(true);
        return;
      case 'reconnected':
        this.peerReconnectingState.set(false);
        // After a server restart, this is when our claim was matched and the call relays again.
        this.gap?.peerClaimMatched();
        return;
    }
  }

  private receiveOffer({ username: from, offer, callId, rejoin: rejoinKey }: ServerMessageOf<'offer'>): void {
    const self = this.signaling.session()?.username;
    if (!self) return;
    this.returnToIdle();
    if (this.sessionWith(from) && callId !== undefined && this.callId !== null && callId !== this.callId) {
      // A new call from the same person: the server ended ours, whatever we missed of that.
      this.endCall(null);
      this.returnToIdle();
    }
    const session = this.session;
    if (!session) {
      const rejoin = this.isRejoin(from, rejoinKey);
      const incoming = this.startSession(from, self, callId ?? null);
      this.setCallState('ringing');
      this.track(incoming.receiveDescription(offer));
      if (rejoin) {
        // They left our call a moment ago (a reload) and call back: the call goes on without a click.
        this.notify({ code: 'peer-rejoined', peer: from });
        this.accept().catch((error: unknown) => this.logStepFailure(error));
      }
      return;
    }
    if (usernameKey(session.remoteUser) !== usernameKey(from)) {
      // The server answers "busy" itself; this only guards against a relay that does not.
      this.signaling.send({ type: 'decline', otherUsername: from, reason: 'busy' });
      return;
    }
    this.callId ??= callId ?? null;
    // Glare: they called us while we called them. Their offer means yes; negotiation sorts out who answers.
    if (this.callStateSubject.value === 'calling') this.setCallState('connecting');
    this.track(session.receiveDescription(offer));
  }

  private receiveClose(message: ServerMessageOf<'close'>): void {
    const peer = message.username;
    const ringing = this.callStateSubject.value === 'ringing';
    if (message.reason === 'disconnected' && this.connectedAtState() !== null && this.rejoinKeys) {
      this.rejoinable = { peerKey: usernameKey(peer), until: Date.now() + this.timing.rejoinWindowMs, key: this.rejoinKeys.ours };
    }
    if (message.reason === 'timeout') this.endCall({ code: ringing ? 'missed' : 'no-answer', peer });
    else if (message.reason === 'hangup') this.endCall({ code: ringing ? 'cancelled' : 'hung-up', peer });
    // Disconnected: they were gone for the whole resume window, or our own claim found no partner.
    else if (this.gap?.claimed) this.endCall({ code: 'call-not-restored', peer });
    else if (this.peerReconnectingState()) this.endCall({ code: 'peer-lost', peer });
    else this.endCall({ code: 'peer-disconnected', peer });
  }

  /** Every error code has its answer here, including those that mean a bug on our side. */
  private receiveError(message: ErrorMessage): void {
    const who = this.session?.remoteUser;
    switch (message.code) {
      case 'user-offline':
        if (who) this.endCall({ code: 'offline', peer: who });
        return;
      case 'self-call':
        if (who) this.endCall({ code: 'self-call' });
        return;
      case 'already-in-call':
        if (who) this.endCall({ code: 'server-busy-in-call' });
        return;
      case 'not-in-call':
      case 'stale-call':
      case 'offer-pending':
      case 'no-offer':
      case 'peer-backlogged':
        // Late signaling for a call that has just ended, or a step the peer no longer needs.
        console.debug(`[call] server: ${message.message}`);
        return;
      case 'already-logged-in':
        // A second login on a socket that is logged in changes nothing; the session stands.
        console.debug(`[call] server: ${message.message}`);
        return;
      case 'not-logged-in':
        this.notify({ code: 'not-logged-in' });
        return;
      case 'rate-limited':
        this.notify({ code: 'rate-limited' });
        return;
      case 'internal':
      case 'binary-frame':
      case 'invalid-json':
      case 'invalid-message':
      case 'unknown-type':
        console.warn(`[call] server refused a message (${message.code}): ${message.message}`);
        // A refused offer means the call cannot start; anything else is worth a word, not an end.
        if (message.replyTo === 'offer' && this.callStateSubject.value === 'calling') this.failCall('setup-failed');
        else this.notify({ code: 'server-error' });
        return;
    }
  }

  /** Every accepted login; after a signaling gap, it says whether the server still had us. */
  private onLogin(login: SignalingSession | null): void {
    const session = this.session;
    if (!login) {
      if (session) this.endCall({ code: 'server-lost' });
      return;
    }
    if (!session) this.rejoinAfterReload(login);
    const unsent = this.unsentHangUp;
    this.unsentHangUp = null;
    if (unsent && login.resumed && login.call?.callId === unsent.callId) {
      // We hung up while offline and the server kept the call for us: say it now.
      this.signaling.send({ type: 'close', otherUsername: unsent.otherUsername, callId: unsent.callId });
    }
    if (!session || !this.gap) return;
    // After a fresh login the server knows nothing of a call it never named: that call is gone.
    if (this.gap.loggedIn(login.resumed, login.call?.callId ?? null, this.callId) === 'lost') {
      this.endCall({ code: 'server-lost' });
    }
  }

  /** The first login after a reload that cut a connected call short: call the same person back. */
  private rejoinAfterReload(login: SignalingSession): void {
    if (login.call) {
      // The server still held our session (its socket had dropped before the reload), call and
      // all; that call's connection went with the old page, so end it (a rejoin calls anew).
      this.signaling.send({ type: 'close', otherUsername: login.call.otherUsername, callId: login.call.callId });
      this.leftCallId = login.call.callId;
    }
    const record = this.rejoinMemory.take(this.timing.rejoinWindowMs);
    if (!record || usernameKey(record.username) !== usernameKey(login.username)) return;
    console.debug('[call] the page reloaded during a call; calling back');
    this.callbackKey = record.key;
    this.call(record.otherUsername).catch((error: unknown) => this.logStepFailure(error));
    if (!this.session) this.callbackKey = null; // the call did not start: no later call carries the key
    // After call(): a new call clears the last notice, and this one is about the new call.
    if (this.session) this.notify({ code: 'rejoining', peer: record.otherUsername });
  }

  /**
   * An offer from the page whose call with us ended a moment ago because it left: the same name,
   * in time, and the key we gave that page (whoever took the name since has not got it).
   */
  private isRejoin(from: string, key: string | undefined): boolean {
    const rejoin = this.rejoinable;
    this.rejoinable = null;
    return rejoin !== null && rejoin.peerKey === usernameKey(from) && Date.now() <= rejoin.until && key === rejoin.key;
  }

  private receiveRejoinKey(key: string): void {
    if (!this.rejoinKeys) return;
    this.rejoinKeys.theirs = key;
    if (this.callStateSubject.value === 'connected') this.rememberForRejoin();
  }

  /** The connected call, for this tab to call back after a reload (with the other side's key). */
  private rememberForRejoin(): void {
    const self = this.signaling.session()?.username;
    if (this.session && self) this.rejoinMemory.remember(self, this.session.remoteUser, this.rejoinKeys?.theirs ?? null);
  }

  private takeCallbackKey(): { rejoin?: string } {
    const key = this.callbackKey;
    this.callbackKey = null;
    return key === null ? {} : { rejoin: key };
  }

  /** Hangs up the current call on the server; offline, remembers to do so once the server has us back. */
  private sendClose(): void {
    const session = this.session;
    if (!session) return;
    if (!this.signaling.send({ type: 'close', otherUsername: session.remoteUser, ...this.callIdField() })) {
      this.rememberUnsentHangUp();
    }
  }

  private rememberUnsentHangUp(): void {
    const claim = this.claim();
    if (claim) this.unsentHangUp = claim;
  }

  /** What a re-login claims: the call we are in, once the server has named it. */
  private claim(): CallClaim | null {
    const session = this.session;
    return session && this.callId !== null ? { callId: this.callId, otherUsername: session.remoteUser } : null;
  }

  private callIdField(): { callId?: string } {
    return this.callId === null ? {} : { callId: this.callId };
  }

  private startSession(remoteUser: string, self: string, callId: string | null): CallSession {
    const ice = this.signaling.iceConfiguration();
    const polite = usernameKey(self) < usernameKey(remoteUser);
    const session = new CallSession({
      remoteUser,
      polite,
      iceServers: ice?.iceServers ?? [],
      iceTransportPolicy: ice?.iceTransportPolicy ?? 'all',
      stalledIceStartMs: this.timing.stalledIceStartMs,
      environment: this.environment,
      signal: (message: OutboundSignal) => {
        if (this.session !== session) return;
        const rejoin = message.type === 'offer' ? this.takeCallbackKey() : {};
        this.signaling.send({ ...message, otherUsername: remoteUser, ...this.callIdField(), ...rejoin });
      },
      remoteStream: (stream) => {
        if (this.session === session) this.remoteStreamSubject.next(stream);
      },
      connectionStateChange: (state) => {
        if (this.session === session) this.onConnectionState(state);
      },
      controlOpen: () => {
        if (this.session !== session) return;
        this.sendMediaState();
        if (this.rejoinKeys) session.sendControl({ type: 'rejoin-key', key: this.rejoinKeys.ours });
      },
      control: (message) => {
        if (this.session !== session) return;
        if (message.type === 'rejoin-key') {
          this.receiveRejoinKey(message.key);
          return;
        }
        const { micMuted, cameraOff, screenSharing } = message;
        this.remoteMediaState.set({ micMuted, cameraOff, screenSharing });
      },
      peerConnection: (pc) => {
        if (this.session === session) this.peerConnectionSubject.next(pc);
      },
    });
    this.session = session;
    this.callId = callId;
    this.rejoinKeys = { ours: makeRejoinKey(), theirs: null };
    this.gap = new SignalingGap(this.timing.restoreSettleMs, () => {
      // Signaling is back; an offer still unanswered, or a path still broken, starts over.
      if (this.session !== session || (!session.awaitingAnswer && !this.recovery?.isBroken)) return;
      console.debug('[call] recovering negotiation after the signaling outage');
      this.track(session.recoverNegotiation());
    });
    this.recovery = new IceRecovery(this.timing.iceRecovery, polite, (attempt) => {
      if (this.session !== session) return;
      console.debug(`[call] ICE restart #${attempt}`);
      session.restartIce();
    });
    this.remoteUserState.set(remoteUser);
    this.remoteMediaState.set(UNKNOWN_REMOTE_MEDIA);
    this.peerReconnectingState.set(false);
    this.connectedAtState.set(null);
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

  private sendMediaState(): void {
    this.session?.sendControl({ type: 'media-state', ...this.media.state() });
  }

  private onConnectionState(state: RTCPeerConnectionState): void {
    const current = this.callStateSubject.value;
    if (state === 'connected') {
      this.recovery?.stop();
      this.setCallState('connected');
      return;
    }
    if (state !== 'disconnected' && state !== 'failed') return;
    if (current === 'connected' || current === 'reconnecting') {
      this.setCallState('reconnecting');
      this.recovery?.onConnectionState(state);
    } else if (state === 'failed') {
      this.failCall();
    }
  }

  /** Ends the call for both sides because the media path could not be made or kept. */
  private failCall(code: 'connection-failed' | 'media-lost' | 'setup-failed' = 'connection-failed'): void {
    const session = this.session;
    if (!session) return;
    this.sendClose();
    this.endCall(code === 'setup-failed' ? { code } : { code, peer: session.remoteUser });
  }

  private endCall(notice: CallNotice | null): void {
    const session = this.session;
    if (!session) return;
    this.session = null;
    this.callId = null;
    this.rejoinKeys = null;
    this.callbackKey = null;
    this.gap?.dispose();
    this.gap = null;
    this.recovery?.stop();
    this.recovery = null;
    session.close();
    this.peerConnectionSubject.next(null);
    this.media.release();
    this.remoteStreamSubject.next(null);
    this.remoteMediaState.set(UNKNOWN_REMOTE_MEDIA);
    this.peerReconnectingState.set(false);
    this.setCallState('ended');
    if (notice) this.notify(notice);
    this.endedTimer = setTimeout(() => {
      this.endedTimer = null;
      this.returnToIdle();
    }, this.timing.endedLingerMs);
  }

  private returnToIdle(): void {
    if (this.callStateSubject.value !== 'ended') return;
    this.clearTimer('ended');
    this.remoteUserState.set(null);
    this.connectedAtState.set(null);
    this.setCallState('idle');
  }

  /** The only writer of the call state. */
  private setCallState(next: CallState): void {
    const previous = this.callStateSubject.value;
    if (previous === next) return;
    if (!canTransition(previous, next)) {
      console.warn(`[call] refused illegal transition ${previous} -> ${next}`);
      return;
    }
    console.debug(`[call] ${previous} -> ${next}`);
    if (next === 'connected' && this.connectedAtState() === null) this.connectedAtState.set(Date.now());
    const self = this.signaling.session()?.username;
    if (next === 'connected') this.rememberForRejoin();
    if (next === 'ended') this.rejoinMemory.forget();
    this.callStateSubject.next(next);
    this.armDeadline(next);
  }

  /** Every waiting state has a bound, so a silent peer or network cannot hold a call forever. */
  private armDeadline(state: CallState): void {
    this.clearTimer('deadline');
    const timeouts: Partial<Record<CallState, [number, () => void]>> = {
      calling: [this.timing.ringTimeoutMs, () => this.giveUpRinging()],
      connecting: [this.timing.connectTimeoutMs, () => this.failCall()],
      reconnecting: [this.timing.reconnectGraceMs, () => this.failCall('media-lost')],
    };
    const entry = timeouts[state];
    if (!entry) return;
    const [ms, expire] = entry;
    this.deadline = setTimeout(() => {
      this.deadline = null;
      expire();
    }, ms);
  }

  private giveUpRinging(): void {
    const session = this.session;
    if (!session) return;
    this.sendClose();
    this.endCall({ code: 'no-answer', peer: session.remoteUser });
  }

  private clearTimer(which: 'deadline' | 'ended'): void {
    const timer = which === 'deadline' ? this.deadline : this.endedTimer;
    if (timer) clearTimeout(timer);
    if (which === 'deadline') this.deadline = null;
    else this.endedTimer = null;
  }

  private notify(notice: CallNotice): void {
    this.noticesSubject.next(notice);
  }

  private sessionWith(username: string): CallSession | null {
    const session = this.session;
    return session && usernameKey(session.remoteUser) === usernameKey(username) ? session : null;
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
