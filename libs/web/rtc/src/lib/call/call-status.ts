import { signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { BehaviorSubject, Observable, Subject } from 'rxjs';
import { RemoteMediaState, UNKNOWN_REMOTE_MEDIA } from '../engine/control-channel';
import { CallNotice } from './call-notice';
import { CallState, canTransition } from './call-state';

/**
 * What the app sees of the call, written by the call engine and read through PeerService: the
 * state machine (`setCallState` is the only writer of the state), the other party, its stream and
 * media state, when the call connected, and the notices:
 *
 *   idle ──call()──────────> calling ──answer, or their offer (glare)──┐
 *   idle ──incoming offer──> ringing ──accept()────────────────────────┴─> connecting
 *   connecting ──ICE connected──> connected ──ICE disconnected/failed, or media stalled──> reconnecting ──ICE restarts work──> connected
 *   calling | ringing | connecting | connected | reconnecting ──hang-up, close, decline, failure──> ended
 *   ended ──after endedLingerMs, or at once when a new call starts──> idle
 */
export class CallStatus {
  private readonly stateSubject = new BehaviorSubject<CallState>('idle');
  private readonly remoteUserState = signal<string | null>(null);
  private readonly remoteStreamSubject = new BehaviorSubject<MediaStream | null>(null);
  private readonly remoteMediaState = signal<RemoteMediaState>(UNKNOWN_REMOTE_MEDIA);
  private readonly connectedAtState = signal<number | null>(null);
  private readonly peerReconnectingState = signal(false);
  private readonly ringingDevicesState = signal(false);
  private readonly noticesSubject = new Subject<CallNotice>();
  private readonly peerConnectionSubject = new BehaviorSubject<RTCPeerConnection | null>(null);
  private endedTimer: ReturnType<typeof setTimeout> | null = null;

  readonly callState$: Observable<CallState> = this.stateSubject.asObservable();
  readonly remoteStream$: Observable<MediaStream | null> = this.remoteStreamSubject.asObservable();
  readonly notices$: Observable<CallNotice> = this.noticesSubject.asObservable();
  readonly peerConnection$: Observable<RTCPeerConnection | null> = this.peerConnectionSubject.asObservable();
  readonly callState = toSignal(this.callState$, { requireSync: true });
  readonly remoteStream = toSignal(this.remoteStream$, { requireSync: true });
  readonly remoteUser = this.remoteUserState.asReadonly();
  readonly remoteMedia = this.remoteMediaState.asReadonly();
  readonly connectedAt = this.connectedAtState.asReadonly();
  readonly peerReconnecting = this.peerReconnectingState.asReadonly();
  /** The callee is offline and the server rings their devices (Web Push) while we are `calling`. */
  readonly ringingDevices = this.ringingDevicesState.asReadonly();

  /** `endedLingerMs`: how long `ended` stays before `idle`. */
  constructor(private readonly endedLingerMs: number) {}

  get state(): CallState {
    return this.stateSubject.value;
  }

  /** A new call with `remoteUser` starts: nothing of the last one shows. */
  begin(remoteUser: string): void {
    this.remoteUserState.set(remoteUser);
    this.remoteMediaState.set(UNKNOWN_REMOTE_MEDIA);
    this.peerReconnectingState.set(false);
    this.ringingDevicesState.set(false);
    this.connectedAtState.set(null);
  }

  /** The name as the server has it, not as typed in the call box ("Bob" rings bob). */
  setRemoteUser(username: string): void {
    this.remoteUserState.set(username);
  }

  setRemoteStream(stream: MediaStream | null): void {
    this.remoteStreamSubject.next(stream);
  }

  setRemoteMedia(media: RemoteMediaState): void {
    this.remoteMediaState.set(media);
  }

  setRingingDevices(ringing: boolean): void {
    this.ringingDevicesState.set(ringing);
  }

  setPeerReconnecting(reconnecting: boolean): void {
    this.peerReconnectingState.set(reconnecting);
  }

  setPeerConnection(pc: RTCPeerConnection | null): void {
    this.peerConnectionSubject.next(pc);
  }

  notify(notice: CallNotice): void {
    this.noticesSubject.next(notice);
  }

  /** The only writer of the call state; refuses (and logs) a move the table does not allow. */
  setCallState(next: CallState): void {
    const previous = this.stateSubject.value;
    if (previous === next) return;
    if (!canTransition(previous, next)) {
      console.warn(`[call] refused illegal transition ${previous} -> ${next}`);
      return;
    }
    console.debug(`[call] ${previous} -> ${next}`);
    if (next === 'connected' && this.connectedAtState() === null) this.connectedAtState.set(Date.now());
    if (next !== 'calling') this.ringingDevicesState.set(false);
    this.stateSubject.next(next);
  }

  /** The call is over: `ended` (with why, when there is something to say), then `idle` after a moment. */
  ended(notice: CallNotice | null): void {
    this.remoteStreamSubject.next(null);
    this.remoteMediaState.set(UNKNOWN_REMOTE_MEDIA);
    this.peerReconnectingState.set(false);
    this.setCallState('ended');
    if (notice) this.notify(notice);
    this.endedTimer = setTimeout(() => {
      this.endedTimer = null;
      this.returnToIdle();
    }, this.endedLingerMs);
  }

  /** From `ended` to `idle` now (a new call starts); nothing otherwise. */
  returnToIdle(): void {
    if (this.stateSubject.value !== 'ended') return;
    this.clearEndedTimer();
    this.remoteUserState.set(null);
    this.connectedAtState.set(null);
    this.setCallState('idle');
  }

  clearEndedTimer(): void {
    if (this.endedTimer) clearTimeout(this.endedTimer);
    this.endedTimer = null;
  }
}
