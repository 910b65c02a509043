import { DOCUMENT, InjectionToken, inject } from '@angular/core';
import { InsecureContextError } from './media';

/**
 * The browser APIs the rtc services touch, behind one seam so unit tests can swap in fakes.
 * The real browser implementation is the default; nothing else should construct these directly.
 */
export interface RtcEnvironment {
  createPeerConnection(configuration: RTCConfiguration): RTCPeerConnection;
  createMediaStream(tracks?: MediaStreamTrack[]): MediaStream;
  getUserMedia(constraints: MediaStreamConstraints): Promise<MediaStream>;
  /** False where the browser cannot share a screen (most phones). */
  readonly canShareScreen: boolean;
  getDisplayMedia(constraints: DisplayMediaStreamOptions): Promise<MediaStream>;
  enumerateDevices(): Promise<MediaDeviceInfo[]>;
  /** Calls `listener` when a device is plugged in or out; returns the unsubscribe function. */
  onDeviceChange(listener: () => void): () => void;
}

export const RTC_ENVIRONMENT = new InjectionToken<RtcEnvironment>('RTC_ENVIRONMENT', {
  providedIn: 'root',
  factory: browserEnvironment,
});

/** What a page's global scope says about media devices (`globalThis` in the browser). */
export interface MediaScope {
  isSecureContext?: boolean;
  navigator?: { mediaDevices?: MediaDevices };
}

/**
 * The page's media devices, or null outside a secure context (plain http on an address other than
 * localhost): browsers hide `navigator.mediaDevices` there, and asking anyway would read as a
 * refused permission although nobody was asked.
 */
export function secureMediaDevices(scope: MediaScope): MediaDevices | null {
  if (scope.isSecureContext === false) return null;
  return scope.navigator?.mediaDevices ?? null;
}

/**
 * Whether the page is a secure context (https, or http on localhost). Outside one the browser offers
 * no camera, microphone, screen capture or notifications; the app says so from the first page on.
 */
export const SECURE_CONTEXT = new InjectionToken<boolean>('SECURE_CONTEXT', {
  providedIn: 'root',
  factory: () => inject(DOCUMENT).defaultView?.isSecureContext !== false,
});

/**
 * Whether the browser has WebRTC at all. Some engines ship without it (Debian's WebKitGTK build:
 * no `RTCPeerConnection`, see docs/browsers.md); there a login would only let people ring a page
 * that can never answer, so the app says so instead.
 */
export const WEBRTC_AVAILABLE = new InjectionToken<boolean>('WEBRTC_AVAILABLE', {
  providedIn: 'root',
  factory: () => typeof inject(DOCUMENT).defaultView?.RTCPeerConnection === 'function',
});

function mediaDevices(): MediaDevices | null {
  return secureMediaDevices(globalThis as MediaScope);
}

function insecure(): Promise<never> {
  return Promise.reject(new InsecureContextError());
}

function browserEnvironment(): RtcEnvironment {
  return {
    createPeerConnection: (configuration) => new RTCPeerConnection(configuration),
    createMediaStream: (tracks) => new MediaStream(tracks ?? []),
    getUserMedia: (constraints) => mediaDevices()?.getUserMedia(constraints) ?? insecure(),
    canShareScreen: typeof mediaDevices()?.getDisplayMedia === 'function',
    getDisplayMedia: (constraints) => mediaDevices()?.getDisplayMedia(constraints) ?? insecure(),
    enumerateDevices: () => mediaDevices()?.enumerateDevices() ?? Promise.resolve([]),
    onDeviceChange: (listener) => {
      const devices = mediaDevices();
      devices?.addEventListener('devicechange', listener);
      return () => devices?.removeEventListener('devicechange', listener);
    },
  };
}

export type WebSocketFactory = (url: string, protocols?: string[]) => WebSocket;

export const WEB_SOCKET_FACTORY = new InjectionToken<WebSocketFactory>('WEB_SOCKET_FACTORY', {
  providedIn: 'root',
  factory: () => (url, protocols) => new WebSocket(url, protocols),
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
