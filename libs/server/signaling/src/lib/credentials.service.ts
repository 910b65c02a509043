import { ConnectionAuthenticator } from '@duet/server/auth';
import { TokenMessage, TokenResultMessage, usernameKey } from '@duet/shared/protocol';
import { Injectable, Logger } from '@nestjs/common';
import { Replies } from './replies';
import { Session } from './session';
import { SignalingMetrics } from './signaling-metrics';

/**
 * `token`: fresh credentials for a logged-in connection, so it outlives the token that opened it
 * without a reconnect (a call in progress never notices a renewal). Verified by the application's
 * `ConnectionAuthenticator.renew`, exactly as at the upgrade; they must name the same user. A
 * refused token changes nothing: the connection still ends at the old expiry (close 4401).
 * Tokens are never logged.
 */
@Injectable()
export class CredentialsService {
  private readonly logger = new Logger(CredentialsService.name);
  private readonly replies: Replies;

  constructor(
    private readonly authenticator: ConnectionAuthenticator,
    metrics: SignalingMetrics,
  ) {
    this.replies = new Replies(metrics);
  }

  async renew(session: Session, { token }: TokenMessage): Promise<void> {
    const username = this.replies.requireLogin(session, 'token');
    if (username === undefined) return;
    if (this.authenticator.renew === undefined) {
      return refuse(session, 'unsupported', 'this server takes credentials only when a connection opens; reconnect with the new ones');
    }
    const identity = await this.authenticator.renew(token);
    if (identity === undefined) return refuse(session, 'invalid', 'the token is not valid (forged, for another application, or expired)');
    if (identity.username === undefined || usernameKey(identity.username) !== usernameKey(username)) {
      this.logger.warn({ msg: 'token refused: it names another user', connection: session.id, user: username });
      return refuse(session, 'forbidden', `the token is not ${username}'s; this connection stays ${username}'s`);
    }
    // The socket closed while the token was verified: nothing left to renew.
    if (!session.renewCredentials({ ...identity, username: session.identity.username ?? identity.username })) return;
    this.logger.debug({ msg: 'credentials renewed', connection: session.id, user: username, expiresAt: identity.expiresAt });
    session.send({ type: 'token', success: true, ...(identity.expiresAt !== undefined && { expiresAt: identity.expiresAt }) });
  }
}

function refuse(session: Session, reason: Extract<TokenResultMessage, { success: false }>['reason'], message: string): void {
  session.send({ type: 'token', success: false, reason, message });
}
