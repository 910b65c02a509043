/** `token` as this client sends it: a renewed JWT for the connection's credentials (docs/protocol.md). */
export interface TokenRenewalFrame {
  readonly type: 'token';
  readonly token: string;
}

/** The server's answer to a `token`: the socket's new expiry, or why it kept the old one. */
export type TokenRenewalReply =
  | { readonly type: 'token'; readonly success: true; readonly expiresAt: number }
  | { readonly type: 'token'; readonly success: false; readonly reason: string; readonly message: string };

/**
 * Hands each renewed token (AUTH_TOKEN_RENEWALS) to the server while logged in, so the session, and
 * any call, go on past the old token's expiry with no reconnect. A renewal that comes while no
 * login is up waits for the next one; a new socket fetches its own fresh token, which supersedes it.
 * A refused renewal changes nothing: the server's 4401 close at the old expiry and the reconnect
 * with a fresh token stay the fallback.
 */
export class InBandTokenRenewal {
  private unsent: string | null = null;

  constructor(private readonly send: (frame: TokenRenewalFrame) => boolean) {}

  renewed(token: string, loggedIn: boolean): void {
    this.unsent = loggedIn && this.send({ type: 'token', token }) ? null : token;
  }

  /** A login was accepted: a renewal it missed goes now. */
  loggedIn(): void {
    if (this.unsent !== null) this.renewed(this.unsent, true);
  }

  /** A (re)connect is about to ask for a fresh token, or the user logged out: nothing older to hand over. */
  forget(): void {
    this.unsent = null;
  }

  reply(reply: TokenRenewalReply): void {
    if (reply.success) console.debug(`[signaling] renewed the token in place; it expires at ${new Date(reply.expiresAt).toISOString()}`);
    else console.debug(`[signaling] the server kept the old token (${reply.reason}): ${reply.message}`);
  }
}

/**
 * A `token` reply, or null for any other frame. Until the shared protocol lists `token`, its
 * parser rejects the reply; this reads it instead of dropping it as invalid.
 */
export function readTokenReply(frame: string): TokenRenewalReply | null {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return null;
  }
  const reply = value as Record<string, unknown> | null;
  if (reply?.['type'] !== 'token') return null;
  if (reply['success'] === true && typeof reply['expiresAt'] === 'number') {
    return { type: 'token', success: true, expiresAt: reply['expiresAt'] };
  }
  if (reply['success'] === false && typeof reply['reason'] === 'string') {
    const message = typeof reply['message'] === 'string' ? reply['message'] : '';
    return { type: 'token', success: false, reason: reply['reason'], message };
  }
  return null;
}
