import { usernameKey } from '@duet/shared/protocol';
import { readPreference, writePreference } from '../media/preference-storage';
import { makeRejoinKey } from './control-channel';

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
 * call by itself (CallRejoin below).
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

/**
 * The keys and windows of "a reload during a call", for the call engine (docs/protocol.md):
 *
 * - this side gives the other a key per call (`rejoin-key` on the control channel) and keeps the
 *   one it is given with the tab's record of the connected call (CallRejoinMemory);
 * - the reloaded page calls back with that key (`callbackKey`, on its next offer);
 * - the peer, whose call ended because the other left, takes a call back without a click when it
 *   comes from the same name, within the window, with the key it gave (`isRejoin`).
 */
export class CallRejoin {
  readonly memory: CallRejoinMemory;
  /** Whose call just ended because they left (their page closed or reloaded), and until when we take their call back. */
  private rejoinable: { peerKey: string; until: number; key: string } | null = null;
  /** The key we gave the other side of this call, and the one it gave us (control-channel.ts, rejoin-key). */
  private keys: { ours: string; theirs: string | null } | null = null;
  /** The key our next offer carries: we reloaded mid-call and call the same person back. */
  private callbackKey: string | null = null;
  /** The call a reloaded page ended on the server: what is still kept for it is void. */
  private leftCallId: string | null = null;

  constructor(storage: Storage | null) {
    this.memory = new CallRejoinMemory(storage);
  }

  /** A call starts: a fresh key of ours for it. */
  callStarted(): void {
    this.keys = { ours: makeRejoinKey(), theirs: null };
  }

  callEnded(): void {
    this.keys = null;
    this.callbackKey = null;
  }

  /** The key we give the other side of this call, once its control channel opens. */
  get ourKey(): string | null {
    return this.keys?.ours ?? null;
  }

  /** They gave us their key; true when there is a call to keep it for. */
  receiveKey(key: string): boolean {
    if (!this.keys) return false;
    this.keys.theirs = key;
    return true;
  }

  /** The connected call, for this tab to call back after a reload (with the other side's key). */
  remember(self: string, otherUsername: string): void {
    this.memory.remember(self, otherUsername, this.keys?.theirs ?? null);
  }

  /** `peer` left the connected call (`close` disconnected): their callback within `windowMs` is taken without a click. */
  peerLeft(peer: string, windowMs: number): void {
    if (this.keys) this.rejoinable = { peerKey: usernameKey(peer), until: Date.now() + windowMs, key: this.keys.ours };
  }

  /** We dial someone: whoever left before is not taken back any more. */
  forgetPeer(): void {
    this.rejoinable = null;
  }

  /**
   * An offer from the page whose call with us ended a moment ago because it left: the same name,
   * in time, and the key we gave that page (whoever took the name since has not got it).
   */
  isRejoin(from: string, key: string | undefined): boolean {
    const rejoin = this.rejoinable;
    this.rejoinable = null;
    return rejoin !== null && rejoin.peerKey === usernameKey(from) && Date.now() <= rejoin.until && key === rejoin.key;
  }

  /** The record of the call this tab was in before the reload, when `username` is back within `windowMs`. */
  takeRecord(username: string, windowMs: number): RejoinRecord | null {
    const record = this.memory.take(windowMs);
    return record && usernameKey(record.username) === usernameKey(username) ? record : null;
  }

  /** Our next offer carries `key` (null: no callback any more). */
  setCallbackKey(key: string | null): void {
    this.callbackKey = key;
  }

  /** What the next offer carries, once. */
  takeCallbackKey(): { rejoin?: string } {
    const key = this.callbackKey;
    this.callbackKey = null;
    return key === null ? {} : { rejoin: key };
  }

  /** The held session's call that the reloaded page ended on the server. */
  leftCall(callId: string): void {
    this.leftCallId = callId;
  }

  isLeftCall(callId: string | undefined): boolean {
    return callId !== undefined && callId === this.leftCallId;
  }
}
