import { parseChannelFrame } from './channel-frame';

/**
 * The in-call control protocol: small JSON text messages on one RTCDataChannel, peer to peer (the
 * signaling server never sees them). The channel is pre-negotiated (`negotiated: true, id: 0`), so
 * both sides create it before the first offer and no `datachannel` event or glare can get in the way.
 * docs/protocol.md ("In-call control channel") describes it; later features add their own channels.
 */
export const CONTROL_CHANNEL = { label: 'control', id: 0 } as const;

/** A frame larger than this is not one of ours: dropped unread. */
export const CONTROL_MESSAGE_MAX_LENGTH = 1_024;

/** What this side sends: its microphone, camera and screen share, on open and after every change. */
export interface MediaStateMessage {
  type: 'media-state';
  micMuted: boolean;
  cameraOff: boolean;
  screenSharing: boolean;
  /**
   * Why the camera is off, when not simply by choice: `bandwidth`, the connection was too weak for
   * video (low-bandwidth mode), so the other side can say so. Absent otherwise, and from older peers.
   */
  cameraOffReason?: CameraOffReason;
}

export type CameraOffReason = 'bandwidth';

/**
 * The proof a page needs to be taken back without a click after it reloaded mid-call: each side
 * makes one per call and gives it to the other over this channel, which the server never sees. A
 * callback that carries it comes from the page that was in the call, not from whoever took the
 * name after it left (names are first come, first served without sign-in).
 */
export interface RejoinKeyMessage {
  type: 'rejoin-key';
  key: string;
}

export type ControlMessage = MediaStateMessage | RejoinKeyMessage;

/** 128 bits as 32 hex digits, made by makeRejoinKey. */
const REJOIN_KEY = /^[0-9a-f]{32}$/;

export function makeRejoinKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The other side's media as its last `media-state` said; all false until one arrives. */
export type RemoteMediaState = Omit<MediaStateMessage, 'type'>;

export const UNKNOWN_REMOTE_MEDIA: RemoteMediaState = Object.freeze({
  micMuted: false,
  cameraOff: false,
  screenSharing: false,
});

export function encodeControlMessage(message: ControlMessage): string {
  return JSON.stringify(message);
}

/**
 * A valid control message, or null. Unknown types are not errors (a newer peer may send more), so
 * they are dropped quietly; only the fields named here are kept.
 */
export function parseControlMessage(data: unknown): ControlMessage | null {
  const frame = parseChannelFrame(data, CONTROL_MESSAGE_MAX_LENGTH);
  if (frame === null) return null;
  const { type, micMuted, cameraOff, screenSharing, cameraOffReason, key } = frame;
  if (type === 'rejoin-key') return typeof key === 'string' && REJOIN_KEY.test(key) ? { type, key } : null;
  if (type !== 'media-state') return null;
  if (typeof micMuted !== 'boolean' || typeof cameraOff !== 'boolean' || typeof screenSharing !== 'boolean') {
    return null;
  }
  // An unknown reason (a newer peer's) still turns the camera off; it is just not explained.
  return { type, micMuted, cameraOff, screenSharing, ...(cameraOff && cameraOffReason === 'bandwidth' && { cameraOffReason }) };
}
