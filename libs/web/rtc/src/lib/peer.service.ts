import { DestroyRef, Injectable, InjectionToken, inject } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import {
  DeclineReason,
  ErrorMessage,
  OfferDescription,
  ServerMessage,
  usernameKey,
} from '@duet/shared/protocol';
import { BehaviorSubject, Observable, Subject } from 'rxjs';
import { CallSession } from './call-session';
import { CallState, canTransition, isInCall } from './call-state';
import { CallClosedError, NotLoggedInError } from './errors';
import { LocalMedia, acquireLocalMedia } from './media';
import { RTC_ENVIRONMENT } from './rtc-environment';
import { SignalingClient } from './signaling-client.service';

export type CallNoticeCode =
  | 'declined'
  | 'busy'
  | 'offline'
  | 'no-answer'
  | 'hung-up'
  | 'cancelled'
  | 'peer-disconnected'
  | 'connection-failed'
  | 'server-lost'
  | 'media'
  | 'self-call'
  | 'already-in-call';

/** Something the user should read: why a call ended or could not start, or a media fallback. */
export interface CallNotice {
  code: CallNoticeCode;
  message: string;
}

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

export interface InboundVideoStats {
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
  bytesReceived: number;
}

/**
 * The call: one remote user, one RTCPeerConnection (a CallSession), local and remote media.
 *
 * State machine (`setCallState` is the only writer):
 *
 *   idle ──call()──────────> calling ──answer, or their offer (glare)──┐
 *   idle ──incoming offer──> ringing ──accept()────────────────────────┴─> connecting
 *   connecting ──ICE connected──> connected ──ICE disconnected──> reconnecting ──recovered──> connected
 *   calling | ringing | connecting | connected | reconnecting ──hang-up, close, decline, failure──> ended
 *   ended ──after endedLingerMs, or at once when a new call starts──> idle
 *
 * Roles: the side whose usernameKey sorts first is polite, so both sides agree without a message.
 */
@Injectable({ providedIn: 'root' })
export class PeerService {
  private readonly signaling = inject(SignalingClient);
  private readonly environment = inject(RTC_ENVIRONMENT);
  private readonly timing = inject(CALL_TIMING);

  private readonly callStateSubject = new BehaviorSubject<CallState>('idle');
  private readonly remoteUserSubject = new BehaviorSubject<string | null>(null);
  private readonly localStreamSubject = new BehaviorSubject<MediaStream | null>(null);
  private readonly remoteStreamSubject = new BehaviorSubject<MediaStream | null>(null);
  private readonly noticesSubject = new Subject<CallNotice>();

  readonly callState$: Observable<CallState> = this.callStateSubject.asObservable();
  /** The other party of the current (or just ended) call. */
  readonly remoteUser$: Observable<string | null> = this.remoteUserSubject.asObservable();
  readonly localStream$: Observable<MediaStream | null> = this.localStreamSubject.asObservable();
  readonly remoteStream$: Observable<MediaStream | null> = this.remoteStreamSubject.asObservable();
  readonly notices$: Observable<CallNotice> = this.noticesSubject.asObservable();

  readonly callState = toSignal(this.callState$, { requireSync: true });
  readonly remoteUser = toSignal(this.remoteUser$, { requireSync: true });
  readonly localStream = toSignal(this.localStream$, { requireSync: true });
  readonly remoteStream = toSignal(this.remoteStream$, { requireSync: true });

  private session: CallSession | null = null;
  private deadline: ReturnType<typeof setTimeout> | null = null;
  private endedTimer: ReturnType<typeof setTimeout> | null = null;
  private iceRestarted = false;

  constructor() {
    const destroyRef = inject(DestroyRef);
    this.signaling.messages$.pipe(takeUntilDestroyed(destroyRef)).subscribe((message) => this.receive(message));
    this.signaling.connectionState$.pipe(takeUntilDestroyed(destroyRef)).subscribe((state) => {
      // The server forgets our calls when our socket goes; so must we.
      if (state !== 'open' && this.session) {
        this.endCall({ code: 'server-lost', message: 'Lost the connection to the server, so the call ended.' });
      }
    });
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
      this.notify({ code: 'self-call', message: 'You cannot call yourself.' });
      return;
    }
    if (isInCall(this.callStateSubject.value)) {
      this.notify({ code: 'already-in-call', message: 'Hang up before starting another call.' });
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

  /** Inbound video counters of the live call, or null without one. Used by the browser tests. */
  async inboundVideoStats(): Promise<InboundVideoStats | null> {
    const report = await this.session?.getStats();
    if (!report) return null;
    let result: InboundVideoStats | null = null;
    report.forEach((entry: Record<string, unknown>) => {
      if (entry['type'] !== 'inbound-rtp' || entry['kind'] !== 'video') return;
      result = {
        framesDecoded: Number(entry['framesDecoded'] ?? 0),
        frameWidth: Number(entry['frameWidth'] ?? 0),
        frameHeight: Number(entry['frameHeight'] ?? 0),
        bytesReceived: Number(entry['bytesReceived'] ?? 0),
      };
    });
    return result;
  }

  private receive(message: ServerMessage): void {
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
      case 'close': {
        if (!this.sessionWith(message.username)) return;
        const who = message.username;
        if (message.reason === 'disconnected') {
          this.endCall({ code: 'peer-disconnected', message: `${who} disconnected.` });
        } else if (message.reason === 'timeout') {
          const missed = this.callStateSubject.value === 'ringing';
          this.endCall({ code: 'no-answer', message: missed ? `You missed a call from ${who}.` : `${who} did not answer.` });
        } else if (this.callStateSubject.value === 'ringing') {
          this.endCall({ code: 'cancelled', message: `${who} cancelled the call.` });
        } else {
          this.endCall({ code: 'hung-up', message: `${who} hung up.` });
        }
        return;
      }
      case 'decline': {
        if (!this.sessionWith(message.username)) return;
        const who = message.username;
        this.endCall(
          message.reason === 'busy'
            ? { code: 'busy', message: `${who} is busy in another call.` }
            : { code: 'declined', message: `${who} declined the call.` },
        );
        return;
      }
      case 'error':
        this.receiveError(message);
        return;
      default:
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

  private receiveError(message: ErrorMessage): void {
    const who = this.session?.remoteUser ?? 'That user';
    switch (message.code) {
      case 'user-offline':
        if (this.session) this.endCall({ code: 'offline', message: `${who} is not online.` });
        return;
      case 'self-call':
        if (this.session) this.endCall({ code: 'self-call', message: 'You cannot call yourself.' });
        return;
      case 'already-in-call':
        if (this.session) this.endCall({ code: 'already-in-call', message: 'The server says you are already in a call.' });
        return;
      case 'rate-limited':
        console.warn(`[call] server: ${message.message}`);
        return;
      case 'not-in-call':
        // Late signaling for a call that has just ended on the server.
        console.debug(`[call] server: ${message.message}`);
        return;
      default:
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
    });
    this.session = session;
    this.iceRestarted = false;
    this.remoteUserSubject.next(remoteUser);
    return session;
  }

  private async openWithMedia(session: CallSession): Promise<void> {
    const media: LocalMedia = await acquireLocalMedia((constraints) => this.environment.getUserMedia(constraints));
    if (session.isClosed) {
      stopTracks(media.stream);
      return;
    }
    this.localStreamSubject.next(media.stream);
    if (media.problem) this.notify({ code: 'media', message: media.problem });
    try {
      await session.open(media.stream);
    } catch (error) {
      if (error instanceof CallClosedError) return;
      console.warn('[call] could not start the connection', error);
      this.failCall('Could not set up the call.');
    }
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
  private failCall(message?: string): void {
    const session = this.session;
    if (!session) return;
    this.signaling.send({ type: 'close', otherUsername: session.remoteUser });
    this.endCall({
      code: 'connection-failed',
      message: message ?? `Connection failed: no network path to ${session.remoteUser} (ICE failed).`,
    });
  }

  private endCall(notice: CallNotice | null): void {
    const session = this.session;
    if (!session) return;
    this.session = null;
    session.close();
    stopTracks(this.localStreamSubject.value);
    this.localStreamSubject.next(null);
    this.remoteStreamSubject.next(null);
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
    this.remoteUserSubject.next(null);
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
    this.endCall({ code: 'no-answer', message: `${session.remoteUser} did not answer.` });
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
    step.catch((error: unknown) => {
      if (error instanceof CallClosedError) console.debug(`[call] ${error.message}`);
      else console.warn('[call] a signaling step failed', error);
    });
  }
}

function stopTracks(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
