import { Page } from 'playwright-core';

declare global {
  interface Window {
    __testCameraTracks?: MediaStreamTrack[];
  }
}

/**
 * An init script (UserOptions.initScripts) that keeps every camera track getUserMedia hands the
 * page, so the test can tell whether one is still live (a real camera's light on). It lives here,
 * in the test, never in the app's bundle.
 */
export function keepCameraTracks(): void {
  const devices = navigator.mediaDevices;
  if (!devices) return;
  const native = devices.getUserMedia.bind(devices);
  const kept: MediaStreamTrack[] = (window.__testCameraTracks = []);
  devices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
    const stream = await native(constraints);
    kept.push(...stream.getVideoTracks());
    return stream;
  };
}

/** What the page holds of its camera: live camera tracks anywhere, and the self-view's video tracks. */
export interface CameraHeld {
  /** Camera tracks getUserMedia gave the page that are still `live` (the light would be on). */
  liveCameraTracks: number;
  /** The self-view's video tracks and their readyState. */
  selfViewVideo: string[];
  /** The video track each RTCRtpSender sends (keepPeerConnections), as `live`, `ended` or `none`. */
  senders: string[];
}

export function cameraHeld(page: Page): Promise<CameraHeld> {
  return page.evaluate(() => {
    const stream = document.querySelector<HTMLVideoElement>('video[data-testid="local-video"]')?.srcObject;
    const pcs = (window.__testPeerConnections ?? []).filter((pc) => pc.connectionState !== 'closed');
    return {
      liveCameraTracks: (window.__testCameraTracks ?? []).filter((track) => track.readyState === 'live').length,
      selfViewVideo: stream instanceof MediaStream ? stream.getVideoTracks().map((track) => track.readyState) : [],
      senders: pcs.flatMap((pc) =>
        pc
          .getTransceivers()
          .filter((transceiver) => transceiver.receiver.track.kind === 'video')
          .map((transceiver) => transceiver.sender.track?.readyState ?? 'none'),
      ),
    };
  });
}
