import { MediaFallback, MediaProblem } from '../media/media';

/** A local input device: what the device choosers offer. */
export type InputKind = 'camera' | 'microphone';

/**
 * Something the user should read: why a call ended or could not start, or a media fallback.
 * Codes and facts only; the call UI library turns them into sentences.
 */
export type CallNotice =
  | { code: 'declined' | 'busy' | 'offline' | 'no-answer' | 'missed' | 'hung-up' | 'cancelled'; peer: string }
  /** `dnd`: they are on do not disturb, so the server declined the call for them. */
  | { code: 'dnd'; peer: string }
  /** `unreachable`: they were offline and none of their devices could be rung (no push service took the push). */
  | { code: 'unreachable'; peer: string }
  /** The page was opened to answer a call (`/?answer=`) that is no longer ringing. */
  | { code: 'answer-expired' }
  | { code: 'peer-disconnected' | 'peer-lost' | 'connection-failed' | 'media-lost' | 'call-not-restored'; peer: string }
  /** `rejoining`: this page reloaded during a call and calls back; `peer-rejoined`: the peer did, and the call goes on. */
  | { code: 'rejoining' | 'peer-rejoined'; peer: string }
  | { code: 'setup-failed' | 'server-lost' | 'self-call' | 'already-in-call' | 'server-busy-in-call' | 'signaling-offline' }
  | { code: 'not-logged-in' | 'rate-limited' | 'server-error' }
  | { code: 'media'; reason: MediaProblem; fallback: MediaFallback }
  | { code: 'device-lost'; kind: InputKind }
  | { code: 'device-failed'; kind: InputKind; reason: MediaProblem }
  | { code: 'screen-share-failed'; reason: MediaProblem }
  | { code: 'cannot-send'; kind: 'audio' | 'video' }
  /** A running effect could not keep up (or broke) and was turned off: the raw track is sent. */
  | { code: 'effect-failed'; effect: 'noise-suppression' | 'background' };

export type CallNoticeCode = CallNotice['code'];
