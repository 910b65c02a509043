/**
 * Why the camera or microphone could not be used, as a code the UI turns into words.
 * `insecure-context`: the page is not a secure context (plain http on an address other than
 * localhost), where browsers offer no media devices at all and nobody was asked for permission.
 */
export type MediaProblem = 'permission-denied' | 'not-found' | 'in-use' | 'insecure-context' | 'failed';

/** Thrown instead of calling the browser where `navigator.mediaDevices` does not exist. */
export class InsecureContextError extends Error {
  override readonly name = 'InsecureContextError';
  constructor() {
    super('camera, microphone and screen need a secure context (https, or http://localhost)');
  }
}

/** What the user joined with when the full camera+microphone request failed. */
export type MediaFallback = 'audio-only' | 'receive-only';

/** What the user could share: a stream (possibly audio-only), or none at all (receive-only). */
export interface LocalMedia {
  stream: MediaStream | null;
  /** Set when the full camera+microphone request failed. */
  problem: { reason: MediaProblem; fallback: MediaFallback } | null;
}

export function classifyMediaError(error: unknown): MediaProblem {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'InsecureContextError':
      return 'insecure-context';
    case 'NotAllowedError':
    case 'SecurityError':
      return 'permission-denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'not-found';
    case 'NotReadableError':
    case 'AbortError':
      return 'in-use';
    default:
      return 'failed';
  }
}

/**
 * Camera and microphone if possible, else microphone only, else nothing: someone without devices
 * (or who refused them) can still join the call and see and hear the other side.
 */
export async function acquireLocalMedia(
  getUserMedia: (constraints: MediaStreamConstraints) => Promise<MediaStream>,
  constraints: { audio: MediaTrackConstraints | true; video: MediaTrackConstraints | true } = { audio: true, video: true },
): Promise<LocalMedia> {
  try {
    return { stream: await getUserMedia(constraints), problem: null };
  } catch (fullError) {
    const reason = classifyMediaError(fullError);
    // No media devices at all on an insecure page: asking for the microphone alone cannot help.
    if (reason === 'insecure-context') return { stream: null, problem: { reason, fallback: 'receive-only' } };
    try {
      const stream = await getUserMedia({ audio: constraints.audio });
      return { stream, problem: { reason, fallback: 'audio-only' } };
    } catch {
      return { stream: null, problem: { reason, fallback: 'receive-only' } };
    }
  }
}
