import { DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { DeclineReason, ErrorMessage, OfferDescription, usernameKey } from '@duet/shared/protocol';
import { BehaviorSubject, Observable, Subject } from 'rxjs';
import { CallNotice } from './call-notice';
import { CallSession } from './call-session';
import { CallState, canTransition, isInCall } from './call-state';
import { RemoteMediaState, UNKNOWN_REMOTE_MEDIA } from './control-channel';
import { CallClosedError, NotLoggedInError } from './errors';
import { LocalMediaService } from './local-media.service';
import { RTC_ENVIRONMENT } from './rtc-environment';
import { ServerMessageOf, SignalingClient } from './signaling-client.service';

export interface CallTiming {
  /** How long `ended` stays visible before `idle`. Default 1.5 s. */
  endedLingerMs: number;
  /** A dialled call nobody answers is given up after this. Default 45 s. */
  ringTimeoutMs: number;
  /** From accept/answer to a working media path. Default 20 s. */
  connectTimeoutMs: number;
  /** How long a dropped media path may try to recover. Default 15 s. */
  reconnectGraceMs: number;
}

export const CALL_TIMING = new InjectionToken<CallTiming>('CALL_TIMING', {
  providedIn: 'root',
  factory: () => ({ endedLingerMs: 1_500, ringTimeoutMs: 45_000, connectTimeoutMs: 20_000, reconnectGraceMs: 15_000 }),
});

type CallMessage = ServerMessageOf<'offer' | 'answer' | 'candidate' | 'close' | 'decline' | 'error'>;

/**
 * The call: one remote user, one CallSession, and the state machine (`setCallState` is the only writer):
 *
 *   idle ──call()──────────> calling ──answer, or their offer (glare)──┐
 *   idle ──incoming offer──> ringing ──accept()────────────────────────┴─> connecting
 *   connecting ──ICE connected──> connected ──ICE disconnected──> reconnecting ──recovered──> connected
 *   calling | ringing | connecting | connected | reconnecting ──hang-up, close, decline, failure──> ended
 *   ended ──after endedLingerMs, or at once when a new call starts──> idle
 *
 * Deadlines bound every waiting state (CALL_TIMING). It is the one owner of the server's `offer`,
 * `answer`, `candidate`, `close`, `decline` and `error` messages (login belongs to SignalingClient,
 * users and presence to PresenceService). Roles: the side whose usernameKey sorts first is polite.
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
  private readonly noticesSubject = new Subject<CallNotice>();

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

  private session: CallSession | null = null;
  private deadline: ReturnType<typeof setTimeout> | null = null;
  private endedTimer: ReturnType<typeof setTimeout> | null = null;
  private iceRestarted = false;

  constructor() {
    const destroyRef = inject(DestroyRef);
    this.signaling
      .claim('offer', 'answer', 'candidate', 'close', 'decline', 'error')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((message) => this.receive(message));
    this.signaling.connectionState$.pipe(takeUntilDestroyed(destroyRef)).subscribe((state) => {
      // The server forgets our calls when our socket goes; so must we.
      if (state !== 'open' && this.session) this.endCall({ code: 'server-lost' });
    });
    this.media.trackSwaps$.pipe(takeUntilDestroyed(destroyRef)).subscribe(({ kind, track }) => {
      const session = this.session;
      if (!session) return;
      console.debug(`[call] sending another ${kind} track (${track.label})`);
      session
        .replaceTrack(kind, track)
        .then((sent) => {
          if (!sent && this.session === session) this.notify({ code: 'cannot-send', kind });
        })
        .catch((error: unknown) => this.logStepFailure(error));
    });
    this.media.state$.pipe(takeUntilDestroyed(destroyRef)).subscribe(() => this.sendMediaState());
    destroyRef.onDestroy(() => {
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
    this.returnToIdle();
    const session = this.startSession(target, self);
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
    this.signaling.send({ type: 'decline', otherUsername: session.remoteUser, reason });
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
    this.signaling.send({ type: 'close', otherUsername: session.remoteUser });
    this.endCall(null);
  }

  private receive(message: CallMessage): void {
    switch (message.type) {
      case 'offer':
        this.receiveOffer(message.username, message.offer);
        return;
      case 'answer': {
        const session = this.sessionWith(message.username);
        if (!session) return;
        if (this.callStateSubject.value === 'calling') this.setCallState('connecting');
        this.track(session.receiveDescription(message.answer));
        return;
      }
      case 'candidate': {
        const session = this.sessionWith(message.username);
        if (session) this.track(session.receiveCandidate(message.candidate));
        return;
      }
      case 'close':
        this.receiveClose(message);
        return;
      case 'decline':
        if (!this.sessionWith(message.username)) return;
        this.endCall({ code: message.reason === 'busy' ? 'busy' : 'declined', peer: message.username });
        return;
      case 'error':
        this.receiveError(message);
        return;
    }
  }

  private receiveOffer(from: string, offer: OfferDescription): void {
    const self = this.signaling.session()?.username;
    if (!self) return;
    this.returnToIdle();
    const session = this.session;
    if (!session) {
      const incoming = this.startSession(from, self);
      this.setCallState('ringing');
      this.track(incoming.receiveDescription(offer));
      return;
    }
    if (usernameKey(session.remoteUser) !== usernameKey(from)) {
      // The server answers "busy" itself; this only guards against a relay that does not.
      this.signaling.send({ type: 'decline', otherUsername: from, reason: 'busy' });
      return;
    }
    // Glare: they called us while we called them. Their offer means yes; negotiation sorts out who answers.
    if (this.callStateSubject.value === 'calling') this.setCallState('connecting');
    this.track(session.receiveDescription(offer));
  }

  private receiveClose(message: ServerMessageOf<'close'>): void {
    if (!this.sessionWith(message.username)) return;
    const peer = message.username;
    const ringing = this.callStateSubject.value === 'ringing';
    if (message.reason === 'disconnected') this.endCall({ code: 'peer-disconnected', peer });
    else if (message.reason === 'timeout') this.endCall({ code: ringing ? 'missed' : 'no-answer', peer });
    else this.endCall({ code: ringing ? 'cancelled' : 'hung-up', peer });
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
        // Late signaling for a call that has just ended on the server.
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

  private startSession(remoteUser: string, self: string): CallSession {
    const session = new CallSession({
      remoteUser,
      polite: usernameKey(self) < usernameKey(remoteUser),
      iceServers: this.signaling.session()?.iceServers ?? [],
      environment: this.environment,
      signal: (message) => {
        if (this.session === session) this.signaling.send({ ...message, otherUsername: remoteUser });
      },
      remoteStream: (stream) => {
        if (this.session === session) this.remoteStreamSubject.next(stream);
      },
      connectionStateChange: (state) => {
        if (this.session === session) this.onConnectionState(session, state);
      },
      controlOpen: () => {
        if (this.session === session) this.sendMediaState();
      },
      control: (message) => {
        if (this.session !== session) return;
        const { micMuted, cameraOff, screenSharing } = message;
        this.remoteMediaState.set({ micMuted, cameraOff, screenSharing });
      },
    });
    this.session = session;
    this.iceRestarted = false;
    this.remoteUserState.set(remoteUser);
    this.remoteMediaState.set(UNKNOWN_REMOTE_MEDIA);
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

  private onConnectionState(session: CallSession, state: RTCPeerConnectionState): void {
    const current = this.callStateSubject.value;
    if (state === 'connected') {
      this.setCallState('connected');
    } else if (state === 'disconnected' && current === 'connected') {
      this.setCallState('reconnecting');
    } else if (state === 'failed') {
      if ((current === 'connected' || current === 'reconnecting') && !this.iceRestarted) {
        this.iceRestarted = true;
        this.setCallState('reconnecting');
        session.restartIce();
      } else {
        this.failCall();
      }
    }
  }

  /** Ends the call for both sides because the media path could not be made or kept. */
  private failCall(code: 'connection-failed' | 'setup-failed' = 'connection-failed'): void {
    const session = this.session;
    if (!session) return;
    this.signaling.send({ type: 'close', otherUsername: session.remoteUser });
    this.endCall(code === 'setup-failed' ? { code } : { code, peer: session.remoteUser });
  }

  private endCall(notice: CallNotice | null): void {
    const session = this.session;
    if (!session) return;
    this.session = null;
    session.close();
    this.media.release();
    this.remoteStreamSubject.next(null);
    this.remoteMediaState.set(UNKNOWN_REMOTE_MEDIA);
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
    this.callStateSubject.next(next);
    this.armDeadline(next);
  }

  /** Every waiting state has a bound, so a silent peer or network cannot hold a call forever. */
  private armDeadline(state: CallState): void {
    this.clearTimer('deadline');
    const timeouts: Partial<Record<CallState, [number, () => void]>> = {
      calling: [this.timing.ringTimeoutMs, () => this.giveUpRinging()],
      connecting: [this.timing.connectTimeoutMs, () => this.failCall()],
      reconnecting: [this.timing.reconnectGraceMs, () => this.failCall()],
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
    this.signaling.send({ type: 'close', otherUsername: session.remoteUser });
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
