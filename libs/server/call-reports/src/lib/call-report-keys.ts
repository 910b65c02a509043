import { CallPath, CallReportPart, usernameKey } from '@duet/shared/protocol';
import { randomToken } from '@duet/server/signaling';

/** Which side of the call a key's holder was on: logged instead of a name. */
export type CallRole = 'caller' | 'callee';

/** What a key stands for: one party of one call, and which parts of its report it has sent. */
export interface ReportKey {
  readonly callId: string;
  /** `usernameKey` of the party it was sent to. */
  readonly party: string;
  readonly role: CallRole;
  readonly expiresAt: number;
  readonly sent: Set<CallReportPart>;
  /** The path the summary reported, so the rating is counted under it too. */
  path: CallPath;
}

export type KeyCheck = { readonly outcome: 'valid'; readonly entry: ReportKey } | { readonly outcome: 'unknown' | 'wrong-call' | 'used' };

/** A key lives an hour: long enough to rate a call after it, short enough that few are held. */
export const REPORT_KEY_TTL_MS = 60 * 60 * 1_000;
/** Keys held at most (two per call): beyond it the oldest go first, so memory stays bounded. */
export const MAX_REPORT_KEYS = 20_000;

/**
 * The per-party report capabilities: random, bound to (call, party), each part accepted once. In
 * this process's memory: a party posts to the instance its socket is on (docs/operations.md).
 */
export class CallReportKeys {
  /** In issue order, so the oldest are first to go. */
  private readonly keys = new Map<string, ReportKey>();

  constructor(
    private readonly ttlMs = REPORT_KEY_TTL_MS,
    private readonly capacity = MAX_REPORT_KEYS,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.keys.size;
  }

  issue(callId: string, username: string, role: CallRole): string {
    this.dropExpired();
    while (this.keys.size >= this.capacity) this.keys.delete(this.keys.keys().next().value as string);
    const key = randomToken(24);
    this.keys.set(key, { callId, party: usernameKey(username), role, expiresAt: this.now() + this.ttlMs, sent: new Set(), path: 'unknown' });
    return key;
  }

  /** Whether `key` may send `part` of `callId`'s report; changes nothing (see `consume`). */
  check(key: string, callId: string, part: CallReportPart): KeyCheck {
    const entry = this.keys.get(key);
    if (entry === undefined || entry.expiresAt <= this.now()) return { outcome: 'unknown' };
    if (entry.callId !== callId) return { outcome: 'wrong-call' };
    return entry.sent.has(part) ? { outcome: 'used' } : { outcome: 'valid', entry };
  }

  /**
   * `part` of this key's report was accepted: never again. The key stays until it expires, so a
   * repeat is told it is a repeat (409), not a stranger.
   */
  consume(entry: ReportKey, part: CallReportPart): void {
    entry.sent.add(part);
  }

  /** Every key lives as long, so the oldest in issue order expire first. */
  private dropExpired(): void {
    const now = this.now();
    for (const [key, entry] of this.keys) {
      if (entry.expiresAt > now) break;
      this.keys.delete(key);
    }
  }
}
