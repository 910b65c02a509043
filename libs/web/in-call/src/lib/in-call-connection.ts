import { InjectionToken, inject } from '@angular/core';
import { PeerService } from '@duet/web/rtc';
import { Observable } from 'rxjs';

/**
 * The one thing the in-call features take from the call: its `RTCPeerConnection`, emitted as soon
 * as it is created (before its first offer, so the negotiated channels exist on both sides in
 * time) and null when the call ends. Every in-call service follows it; this token is the only place
 * that knows which rtc class provides it, so restructuring the call engine touches one line here.
 */
export interface InCallConnection {
  readonly peerConnection$: Observable<RTCPeerConnection | null>;
}

export const IN_CALL_CONNECTION = new InjectionToken<InCallConnection>('IN_CALL_CONNECTION', {
  providedIn: 'root',
  factory: () => inject(PeerService),
});
