import { MAX_RELAY_BACKLOG_BYTES, MAX_SEND_BACKLOG_BYTES } from './transport/backlog';

/** Most messages kept for one user while its socket is gone: a call's worth of signaling. */
export const MAX_PARKED_MESSAGES = 256;

/**
 * Messages for a user whose socket dropped, kept in order until it resumes, within the same
 * bounds as a live socket's backlog: all of them at most `MAX_SEND_BACKLOG_BYTES`, and what its
 * peer relays at most `MAX_RELAY_BACKLOG_BYTES` (past that the sender is told, as for a live
 * socket). A message from the server itself that no longer fits marks the queue as overflowed:
 * the user would come back to a hole in its conversation, so it may not resume.
 */
export class ParkedMessages {
  private frames: string[] = [];
  private bytes = 0;
  private lost = false;

  /** Keeps `frame`; false (and nothing kept) when it does not fit. */
  park(frame: string, relayed: boolean): boolean {
    const limit = relayed ? MAX_RELAY_BACKLOG_BYTES : MAX_SEND_BACKLOG_BYTES;
    if (this.frames.length >= MAX_PARKED_MESSAGES || this.bytes + frame.length > limit) {
      if (!relayed) this.lost = true;
      return false;
    }
    this.frames.push(frame);
    this.bytes += frame.length;
    return true;
  }

  get overflowed(): boolean {
    return this.lost;
  }

  /** Everything kept, in order, emptying the queue. */
  take(): string[] {
    const frames = this.frames;
    this.frames = [];
    this.bytes = 0;
    return frames;
  }
}
