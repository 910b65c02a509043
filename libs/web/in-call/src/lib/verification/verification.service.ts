import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { IN_CALL_CONNECTION } from '../in-call-connection';
import { verificationCode } from './verification-code';

/**
 * The current call's verification code (verification-code.ts), computed once the connection is up,
 * from the descriptions actually negotiated (`currentLocalDescription`/`currentRemoteDescription`).
 * An ICE restart keeps the certificates, so the code does not change during a call. Null outside a call.
 */
@Injectable({ providedIn: 'root' })
export class VerificationService {
  private readonly codeState = signal<string | null>(null);
  readonly code = this.codeState.asReadonly();

  constructor() {
    inject(IN_CALL_CONNECTION)
      .peerConnection$.pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((pc) => this.follow(pc));
  }

  private follow(pc: RTCPeerConnection | null): void {
    this.codeState.set(null);
    if (!pc) return;
    const update = () => {
      if (pc.connectionState !== 'connected') return;
      const local = pc.currentLocalDescription?.sdp;
      const remote = pc.currentRemoteDescription?.sdp;
      if (!local || !remote) return;
      this.codeState.set(verificationCode(local, remote));
    };
    pc.addEventListener('connectionstatechange', update);
    // Whoever injected this service first may have done so after the connection was up.
    update();
  }
}
