import { Injectable, inject } from '@angular/core';
import { toObservable } from '@angular/core/rxjs-interop';
import { DeclineReason } from '@duet/shared/protocol';
import { Observable, merge } from 'rxjs';
import { CallController } from '../engine/call-controller.service';
import { CallNotice } from './call-notice';
import { CallState } from './call-state';
import { LocalMediaService } from '../media/local-media.service';

/**
 * The call as the UI sees it: state, the other party, both streams, and what to tell the user.
 * A thin face over CallController (state machine, signaling) and LocalMediaService (our tracks);
 * the in-call controls (mute, devices, screen share) are on LocalMediaService itself.
 */
@Injectable({ providedIn: 'root' })
export class PeerService {
  private readonly controller = inject(CallController);
  private readonly media = inject(LocalMediaService);

  readonly callState$: Observable<CallState> = this.controller.callState$;
  readonly remoteStream$: Observable<MediaStream | null> = this.controller.remoteStream$;
  readonly localStream$: Observable<MediaStream | null> = toObservable(this.media.stream);
  /** Call outcomes and media problems, in the order they happen. */
  readonly notices$: Observable<CallNotice> = merge(this.controller.notices$, this.media.notices$);

  readonly callState = this.controller.callState;
  readonly remoteUser = this.controller.remoteUser;
  readonly remoteMedia = this.controller.remoteMedia;
  readonly connectedAt = this.controller.connectedAt;
  /** The other party lost its signaling connection; the call goes on while it comes back. */
  readonly peerReconnecting = this.controller.peerReconnecting;
  readonly localStream = this.media.stream;
  readonly remoteStream = this.controller.remoteStream;

  call(username: string): Promise<void> {
    return this.controller.call(username);
  }

  accept(): Promise<void> {
    return this.controller.accept();
  }

  decline(reason?: DeclineReason): void {
    this.controller.decline(reason);
  }

  hangUp(): void {
    this.controller.hangUp();
  }
}
