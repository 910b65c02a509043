import { Injectable, inject } from '@angular/core';
import { toObservable } from '@angular/core/rxjs-interop';
import { DeclineReason, usernameKey } from '@duet/shared/protocol';
import { Observable, merge } from 'rxjs';
import { CallEngine } from '../engine/call-engine';
import { LocalMediaService } from '../media/local-media.service';
import { SignalingClient } from '../signaling/signaling-client.service';
import { CallNotice } from './call-notice';
import { CallState, isInCall } from './call-state';
import { CALL_TIMING } from './call-timing';
import { CallStatus } from './call-status';
import { NotLoggedInError } from './errors';

/**
 * The call as the app sees it (livekit's Room): its state (call-status.ts has the state machine),
 * the other party, both streams, the other side's media state, what to tell the user, and the
 * commands `call`, `accept`, `decline` and `hangUp`. The one face components use for the call;
 * the in-call controls (mute, devices, screen share) are on LocalMediaService.
 *
 * Underneath, its CallEngine (engine/call-engine.ts; made here, reachable from nowhere else) owns
 * the call's server messages, negotiation, recovery and claims, and writes the state shown here.
 */
@Injectable({ providedIn: 'root' })
export class PeerService {
  private readonly signaling = inject(SignalingClient);
  private readonly media = inject(LocalMediaService);
  private readonly status = new CallStatus(inject(CALL_TIMING).endedLingerMs);
  private readonly engine = new CallEngine(this.status);

  readonly callState$: Observable<CallState> = this.status.callState$;
  readonly remoteStream$: Observable<MediaStream | null> = this.status.remoteStream$;
  readonly localStream$: Observable<MediaStream | null> = toObservable(this.media.stream);
  /** Call outcomes and media problems, in the order they happen. */
  readonly notices$: Observable<CallNotice> = merge(this.status.notices$, this.media.notices$);
  /**
   * The current call's connection, emitted synchronously as it is created (before its first offer,
   * so pre-negotiated channels made then ride on it), and null once the call ends: in-call
   * features (chat, files, stats, verification) follow it.
   */
  readonly peerConnection$: Observable<RTCPeerConnection | null> = this.status.peerConnection$;

  readonly callState = this.status.callState;
  /** The other party of the current (or just ended) call. */
  readonly remoteUser = this.status.remoteUser;
  /** Their microphone, camera and screen share, as their control channel last said. */
  readonly remoteMedia = this.status.remoteMedia;
  /** When the call first connected (epoch ms), for the call timer; null before that. */
  readonly connectedAt = this.status.connectedAt;
  /** The other party lost its signaling connection; the call goes on while it comes back. */
  readonly peerReconnecting = this.status.peerReconnecting;
  /** While `calling`: the callee is offline and the server rings their devices (Web Push). */
  readonly ringingDevices = this.status.ringingDevices;
  readonly localStream = this.media.stream;
  readonly remoteStream = this.status.remoteStream;

  /** Dials `username`. Resolves once the offer is on its way (or the call could not start). */
  async call(username: string): Promise<void> {
    const self = this.signaling.session()?.username;
    if (!self) throw new NotLoggedInError();
    const target = username.trim();
    if (!target) return;
    if (usernameKey(target) === usernameKey(self)) {
      this.status.notify({ code: 'self-call' });
      return;
    }
    if (isInCall(this.status.state)) {
      this.status.notify({ code: 'already-in-call' });
      return;
    }
    // Refused at once: an offer sent now would be lost, and the callee would never ring.
    if (this.signaling.connectionState() !== 'open') {
      this.status.notify({ code: 'signaling-offline' });
      return;
    }
    await this.engine.dial(target, self);
  }

  /** Answers the ringing call. Throws CallClosedError if it is gone (cancelled meanwhile). */
  accept(): Promise<void> {
    return this.engine.accept();
  }

  /** Refuses the ringing call. Throws CallClosedError if it is gone. */
  decline(reason?: DeclineReason): void {
    this.engine.decline(reason);
  }

  /** Ends the current call for both sides. Does nothing when there is no call. */
  hangUp(): void {
    this.engine.hangUp();
  }
}
