import { readPreference, writePreference } from '../media/preference-storage';

/** The call a tab was in, kept in the tab's storage so that a reload can call the same person back. */
export interface RejoinRecord {
  /** Who this tab was logged in as: another name logging in after the reload calls nobody back. */
  username: string;
  otherUsername: string;
  /** What the other side gave us to prove it is us calling back (control-channel.ts, rejoin-key). */
  key: string | null;
  /** When the call was last known alive in this tab (epoch ms): connected, or the page hidden. */
  at: number;
}

export const CALL_RECORD_KEY = 'duet.call';

/**
 * A reload ends the page's call: its RTCPeerConnection is gone, and the browser closes the
 * signaling socket with 1001, which the server reads as "left" and ends the call for the peer.
 * This remembers, for the tab's life only (sessionStorage), whom the connected call was with and
 * when it was last alive, so the reloaded page can call them back at once; the peer takes that
 * call by itself (CallController, "rejoin").
 */
export class CallRejoinMemory {
  constructor(
    private readonly storage: Storage | null,
    private readonly now: () => number = Date.now,
  ) {}

  remember(username: string, otherUsername: string, key: string | null): void {
    this.write({ username, otherUsername, key, at: this.now() });
  }

  /** The page is being hidden (reload, navigation, closing): the call was alive until now. */
  touch(): void {
    const record = this.read();
    if (record) this.write({ ...record, at: this.now() });
  }

  forget(): void {
    writePreference(this.storage, CALL_RECORD_KEY, null);
  }

  /** The call this tab was in, if it was alive within `windowMs`; forgotten once taken. */
  take(windowMs: number): RejoinRecord | null {
    const record = this.read();
    this.forget();
    return record && this.now() - record.at <= windowMs ? record : null;
  }

  private read(): RejoinRecord | null {
    const saved = readPreference(this.storage, CALL_RECORD_KEY);
    if (!saved) return null;
    try {
      const value = JSON.parse(saved) as Partial<RejoinRecord>;
      if (typeof value.username !== 'string' || typeof value.otherUsername !== 'string' || typeof value.at !== 'number') {
        return null;
      }
      const key = typeof value.key === 'string' ? value.key : null;
      return { username: value.username, otherUsername: value.otherUsername, key, at: value.at };
    } catch {
      return null;
    }
  }

  private write(record: RejoinRecord): void {
    writePreference(this.storage, CALL_RECORD_KEY, JSON.stringify(record));
  }
}
