import type { IncomingMessage } from 'node:http';

/** Who is on the other end of a WebSocket, as established at the HTTP upgrade. */
export interface Identity {
  /**
   * The only name this connection may log in as. Absent for anonymous connections, which pick
   * their name with `login` (the tutorial's behaviour).
   */
  readonly username?: string;
  /**
   * When the credentials behind this connection expire (ms since the epoch): the server closes
   * the socket then with 4401, and the client reconnects with fresh ones. Absent: never.
   */
  readonly expiresAt?: number;
  /**
   * Set only for a guest let in by an invite link (issue 25): `username` is then the guest's wire
   * name (`guest:<inviter>:<display name>`, see @duet/shared/protocol's guests.ts), and the session
   * ends when that invite is revoked. Only Duet's own guest tokens set it.
   */
  readonly guest?: GuestIdentity;
}

export interface GuestIdentity {
  /** The invite (its id) the guest came in with: revoking it ends the session. */
  readonly inviteId: string;
  readonly inviter: string;
}

/**
 * Decides, from the HTTP upgrade request alone (headers, cookies, query), whether a WebSocket may
 * open, and as whom. Runs before the socket exists and before any message handler.
 *
 * This is the DI token an enterprise replaces with its own (session cookie, OIDC introspection...):
 * resolve with an `Identity` to accept, with `undefined` to refuse with HTTP 401. A thrown error
 * also refuses (and is logged). See docs/auth.md.
 */
export abstract class ConnectionAuthenticator {
  abstract authenticate(request: IncomingMessage): Promise<Identity | undefined>;

  /**
   * Optional: verifies fresh credentials a logged-in client sends in-band (the `token` message),
   * so its connection outlives the token that opened it without reconnecting. Resolve with the
   * identity they establish, or `undefined` if they are not valid. An authenticator without it
   * answers `token` with reason `unsupported`; its clients reconnect at expiry (close 4401).
   */
  renew?(token: string): Promise<Identity | undefined>;
}

/** Anyone at all: one frozen object shared by every anonymous connection. */
const ANONYMOUS: Identity = Object.freeze({});

/** AUTH_MODE=none: everyone may connect; the name comes from `login`. */
export class AnonymousAuthenticator extends ConnectionAuthenticator {
  async authenticate(): Promise<Identity> {
    return ANONYMOUS;
  }
}
