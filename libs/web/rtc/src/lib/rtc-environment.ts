import { DOCUMENT, InjectionToken, inject } from '@angular/core';

/**
 * The browser APIs the rtc services touch, behind one seam so unit tests can swap in fakes.
 * The real browser implementation is the default; nothing else should construct these directly.
 */
export interface RtcEnvironment {
  createPeerConnection(configuration: RTCConfiguration): RTCPeerConnection;
  createMediaStream(): MediaStream;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
}

export const RTC_ENVIRONMENT = new InjectionToken<RtcEnvironment>('RTC_ENVIRONMENT', {
  providedIn: 'root',
  factory: () => ({
    createPeerConnection: (configuration) => new RTCPeerConnection(configuration),
    createMediaStream: () => new MediaStream(),
    getUserMedia: (constraints) => {
      // Undefined outside a secure context (plain http on a non-local host).
      const devices = globalThis.navigator?.mediaDevices;
      if (!devices) {
        return Promise.reject(new DOMException('media devices need a secure (https) page', 'SecurityError'));
      }
      return devices.getUserMedia(constraints);
    },
  }),
});

export type WebSocketFactory = (url: string) => WebSocket;

export const WEB_SOCKET_FACTORY = new InjectionToken<WebSocketFactory>('WEB_SOCKET_FACTORY', {
  providedIn: 'root',
  factory: () => (url) => new WebSocket(url),
});

/** `ws(s)://<this page's host>/ws`: the server serves the app and the socket from one origin. */
export const SIGNALING_URL = new InjectionToken<string>('SIGNALING_URL', {
  providedIn: 'root',
  factory: () => signalingUrlFor(inject(DOCUMENT).location),
});

export function signalingUrlFor(location: Pick<Location, 'protocol' | 'host'>): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}
