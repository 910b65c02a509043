import { bearerToken, ConnectionAuthenticator, Identity } from '@duet/server/auth';
import type { IncomingMessage } from 'node:http';
import { InviteChecks } from './invite-checks';
import { isGuestToken } from './invite-tokens';

/**
 * The application's authenticator (built-in or an embedder's), with guests: a bearer token whose
 * JWS header says it is a Duet guest token is decided here (signature, expiry, invite not
 * revoked); every other request goes to `members`, untouched. A guest token never reaches
 * `members`, and no member token is ever read as a guest's: `typ` tells them apart, and only this
 * server's invite key signs a guest token.
 */
export class GuestAwareAuthenticator extends ConnectionAuthenticator {
  constructor(
    protected readonly members: ConnectionAuthenticator,
    private readonly checks: InviteChecks,
  ) {
    super();
  }

  async authenticate(request: IncomingMessage): Promise<Identity | undefined> {
    const token = bearerToken(request);
    if (token !== undefined && isGuestToken(token)) return this.checks.guestIdentity(token);
    return this.members.authenticate(request);
  }
}

/** The same, for a `members` authenticator that renews in-band: members still may; a guest may not (its session ends with the invite). */
class RenewingGuestAwareAuthenticator extends GuestAwareAuthenticator {
  override async renew(token: string): Promise<Identity | undefined> {
    if (isGuestToken(token)) return undefined;
    return this.members.renew?.(token);
  }
}

/**
 * `members` wrapped so guests get in too. It has `renew` exactly when `members` has (an
 * authenticator without it answers the `token` message `unsupported`, and must keep doing so).
 */
export function guestAware(members: ConnectionAuthenticator, checks: InviteChecks): ConnectionAuthenticator {
  return members.renew === undefined ? new GuestAwareAuthenticator(members, checks) : new RenewingGuestAwareAuthenticator(members, checks);
}
