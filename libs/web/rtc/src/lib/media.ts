/** What the user could share: a stream (possibly audio-only), or none at all (receive-only). */
export interface LocalMedia {
  stream: MediaStream | null;
  /** Set when the full camera+microphone request failed: the reason, in words. */
  problem: string | null;
}

/** Turns a `getUserMedia` rejection into a sentence a user can act on. */
export function describeMediaError(error: unknown): string {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera/microphone permission denied.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera/microphone found.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The camera or microphone is in use by another application.';
    default:
      return 'The camera or microphone could not be started.';
  }
}

/**
 * Camera and microphone if possible, else microphone only, else nothing: someone without devices
 * (or who refused them) can still join the call and see and hear the other side.
 */
export async function acquireLocalMedia(
  getUserMedia: (constraints: MediaStreamConstraints) => Promise<MediaStream>,
): Promise<LocalMedia> {
  try {
    return { stream: await getUserMedia({ audio: true, video: true }), problem: null };
  } catch (fullError) {
    const reason = describeMediaError(fullError);
    try {
      const stream = await getUserMedia({ audio: true });
      return { stream, problem: `${reason} Joining with audio only.` };
    } catch {
      return { stream: null, problem: `${reason} You can still see and hear the other side.` };
    }
  }
}
