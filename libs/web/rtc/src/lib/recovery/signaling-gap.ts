/** What an accepted login means for the call in progress. */
export type LoginOutcome = 'continues' | 'claimed' | 'lost';

/**
 * One call's view of the signaling connection, from the moment the socket drops during the call
 * until the server relays for it again (`state`; `restored()` is the only way back to `none`):
 *
 *   none ──socket down──> offline ──login resumed into this call──────────────────> none (restored)
 *                         offline ──fresh login (server restarted), call named──> claimed
 *                         claimed ──`reconnected`: the peer's claim matched────────> none (restored)
 *
 * A fresh login for a call the server never named means the call is lost. On "restored", whatever
 * we sent meanwhile is presumed lost: once the messages kept for us had `settleMs` to arrive (an
 * answer to our offer may be among them), `recover` runs.
 */
export class SignalingGap {
  private state: 'none' | 'offline' | 'claimed' = 'none';
  private settleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly settleMs: number,
    private readonly recover: () => void,
  ) {}

  /** Our claim of the call is waiting for the peer's: a `close` now means it could not be restored. */
  get claimed(): boolean {
    return this.state === 'claimed';
  }

  /** The server does not relay for this call yet (down, or our claim is waiting for the peer's). */
  get open(): boolean {
    return this.state !== 'none';
  }

  socketDown(): void {
    if (this.state === 'none') this.state = 'offline';
  }

  /** A login was accepted; `resumedCallId` is the call the resumed session is in, `callId` ours. */
  loggedIn(resumed: boolean, resumedCallId: string | null, callId: string | null): LoginOutcome {
    if (this.state === 'none') return 'continues';
    if (resumed) {
      // Not our call any more: the messages kept for us (a close) say why, right after the reply.
      if (resumedCallId !== null && resumedCallId === callId) this.restored();
      return 'continues';
    }
    if (callId === null) return 'lost';
    this.state = 'claimed';
    return 'claimed';
  }

  peerClaimMatched(): void {
    if (this.state === 'claimed') this.restored();
  }

  dispose(): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = null;
    this.state = 'none';
  }

  private restored(): void {
    this.dispose();
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      if (this.state === 'none') this.recover();
    }, this.settleMs);
  }
}
