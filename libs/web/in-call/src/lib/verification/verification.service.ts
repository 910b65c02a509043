import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { IN_CALL_CONNECTION } from '../in-call-connection';

/**
 * The current call's verification code (verification-code.ts), computed once the connection is up,
 * from the descriptions actually negotiated (`currentLocalDescription`/`currentRemoteDescription`).
 * An ICE restart keeps the certificates, so the code does not change during a call. Null outside a call.
 */
@Injectable({ providedIn: 'root' })
export class VerificationService {
  private readonly codeState = signal<string | null>(null);
  readonly code = this.codeState.asReadonly();
  private current: RTCPeerConnection | null = null;

  constructor() {
    inject(IN_CALL_CONNECTION)
      .peerConnection$.pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((pc) => this.follow(pc));
  }

  private follow(pc: RTCPeerConnection | null): void {
    this.current = pc;
    this.codeState.set(null);
    if (!pc) return;
    const update = () => {
      if (pc.connectionState !== 'connected') return;
      const local = pc.currentLocalDescription?.sdp;
      const remote = pc.currentRemoteDescription?.sdp;
      if (!local || !remote) return;
      // SHA-256 is a chunk of its own, loaded once a call connects (not with the app).
      void import('./verification-code').then(({ verificationCode }) => {
        if (this.current === pc) this.codeState.set(verificationCode(local, remote));
      });
    };
    pc.addEventListener('connectionstatechange', update);
    // Whoever injected this service first may have done so after the connection was up.
    update();
  }
}
