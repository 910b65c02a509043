import { InjectionToken } from '@angular/core';

/**
 * The page was opened to answer a call that rang this person's devices: the Answer of the push
 * notification opens `/?answer=<callId>&key=<capability>` (ANSWER_QUERY_PARAM, ANSWER_KEY_PARAM). The
 * app's edge reads the address and provides it (`@duet/web/call`'s provideAnswerFromAddress); the
 * engine only sees this. The callId alone proves nothing (the caller knows it): only the key does.
 */
export interface AnswerRequest {
  /** The device ring's `callId` (the push's): the offer whose `ring` names it may be accepted without a click. */
  readonly ring: string;
  /** SHA-256 (hex) of the address's key; null without one. Accepted only when it is the offer's `ringKey`. */
  readonly keyHash: Promise<string | null>;
  /** Takes the request out of the address (answered, or gone stale), so a reload does not act on it again. */
  settle(): void;
}

/** Null (the default) when the page was not opened to answer a call. */
export const ANSWER_REQUEST = new InjectionToken<AnswerRequest | null>('ANSWER_REQUEST', {
  providedIn: 'root',
  factory: () => null,
});

/**
 * After the sign-in, the server hands over the ringing call at once (the offer follows the login
 * reply); this bounds the wait for it (and the ring window, when shorter), so a notification
 * clicked after the call ended says so soon. An offer that comes later still rings as usual.
 */
export const ANSWER_WAIT_MS = 5_000;

/**
 * One AnswerRequest, from the first login on: `claims(ring, ringKey)` is true once, for the offer
 * that continues the ring it names and whose `ringKey` its key hashes to; no offer of that ring
 * within the wait and `expired` runs. Settled either way (a wrong key too: that offer just rings).
 */
export class PendingAnswer {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private waiting = false;

  constructor(
    private request: AnswerRequest | null,
    private readonly expired: () => void,
  ) {}

  /** Logged in: the offer should come now; waits at most `waitMs` for it (the first login only). */
  loggedIn(waitMs: number): void {
    if (this.request === null || this.waiting) return;
    this.waiting = true;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.settle();
      this.expired();
    }, waitMs);
  }

  /**
   * True (once) when an offer's `ring` is the one the page was opened to answer and the address's
   * key hashes to its `ringKey`. The first offer of that ring settles the request, whatever the key.
   */
  async claims(ring: string | undefined, ringKey: string | undefined): Promise<boolean> {
    const request = this.request;
    if (request === null || ring === undefined || ring !== request.ring) return false;
    this.settle();
    const keyHash = await request.keyHash.catch(() => null);
    const claimed = ringKey !== undefined && keyHash !== null && keyHash === ringKey;
    if (!claimed) console.debug('[call] the address names this ring without its key: the call rings for a click');
    return claimed;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private settle(): void {
    this.stop();
    const request = this.request;
    this.request = null;
    request?.settle();
  }
}
