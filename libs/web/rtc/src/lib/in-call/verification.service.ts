import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { CallController } from '../call-controller.service';
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
    inject(CallController)
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
      verificationCode(local, remote)
        .then((code) => {
          // The call may have ended (or another begun) while hashing.
          if (pc.connectionState === 'connected') this.codeState.set(code);
        })
        .catch((error: unknown) => console.warn('[verify] could not compute the verification code', error));
    };
    pc.addEventListener('connectionstatechange', update);
  }
}
