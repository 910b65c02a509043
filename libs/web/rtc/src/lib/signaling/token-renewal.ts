import { TokenMessage, TokenResultMessage } from '@duet/shared/protocol';

/**
 * Hands each renewed token (AUTH_TOKEN_RENEWALS) to the server while logged in, so the session, and
 * any call, go on past the old token's expiry with no reconnect. A renewal that comes while no
 * login is up waits for the next one; a new socket fetches its own fresh token, which supersedes it.
 * A refused renewal changes nothing: the server's 4401 close at the old expiry and the reconnect
 * with a fresh token stay the fallback.
 */
export class InBandTokenRenewal {
  private unsent: string | null = null;

  constructor(private readonly send: (message: TokenMessage) => boolean) {}

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

  reply(reply: TokenResultMessage): void {
    if (!reply.success) console.debug(`[signaling] the server kept the old token (${reply.reason}): ${reply.message}`);
    else if (reply.expiresAt === undefined) console.debug('[signaling] renewed the token in place');
    else console.debug(`[signaling] renewed the token in place; it expires at ${new Date(reply.expiresAt).toISOString()}`);
  }
}
