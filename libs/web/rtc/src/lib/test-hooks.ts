import { DOCUMENT, EnvironmentProviders, inject, provideAppInitializer } from '@angular/core';
import { CallState } from './call-state';
import { InboundVideoStats, PeerService } from './peer.service';

/**
 * Read-only probes for the browser tests, on `window.__duet`. They expose counters and the call
 * state, never the RTCPeerConnection or streams, so a page script gains nothing it could misuse.
 */
export interface DuetTestHooks {
  callState(): CallState;
  inboundVideoStats(): Promise<InboundVideoStats | null>;
}

declare global {
  interface Window {
    __duet?: DuetTestHooks;
  }
}

export function provideRtcTestHooks(): EnvironmentProviders {
  return provideAppInitializer(() => {
    const peer = inject(PeerService);
    const window = inject(DOCUMENT).defaultView;
    if (!window) return;
    window.__duet = Object.freeze({
      callState: () => peer.callState(),
      inboundVideoStats: () => peer.inboundVideoStats(),
    });
  });
}
