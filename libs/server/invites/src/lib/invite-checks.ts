import { Identity } from '@duet/server/auth';
import { InviteStore } from '@duet/server/storage';
import { Injectable, Logger } from '@nestjs/common';
import { InviteClaims, InviteTokens } from './invite-tokens';
import { InviteProblemException } from './invite-problem';

/**
 * What an invite token and a guest token are worth right now: signature, `typ` and expiry by the
 * token itself, revocation by the database (shared by every instance).
 */
@Injectable()
export class InviteChecks {
  private readonly logger = new Logger('Invites');

  constructor(
    private readonly tokens: InviteTokens,
    private readonly invites: InviteStore,
  ) {}

  /** The live invite `token` is, or the refusal in words (`InviteProblemException`). */
  async liveInvite(token: string): Promise<InviteClaims> {
    const verified = await this.tokens.verifyInvite(token);
    if (!verified.ok) {
      switch (verified.problem) {
        case 'malformed':
          throw new InviteProblemException('malformed', 'This is not an invite link: check that it was copied whole');
        case 'forged':
          throw new InviteProblemException('forged', 'This invite link is not one of this server’s');
        case 'expired':
          throw new InviteProblemException('expired', 'This invite link has expired');
      }
    }
    const { claims } = verified;
    switch (await this.invites.status(claims.inviteId)) {
      case 'active':
        return claims;
      case 'revoked':
        throw new InviteProblemException('revoked', `${claims.inviter} revoked this invite`);
      case 'unknown':
        // Signed by this server and unexpired, yet not in its database: the database was replaced.
        throw new InviteProblemException('forged', 'This invite link is no longer known to this server');
    }
  }

  /**
   * The identity a guest token establishes: the guest's wire name, until the invite expires,
   * while the invite is neither revoked nor unknown; undefined (401 at the upgrade) otherwise.
   */
  async guestIdentity(token: string): Promise<Identity | undefined> {
    const verified = await this.tokens.verifyGuest(token);
    if (!verified.ok) {
      this.logger.debug(`guest token refused: ${verified.problem}`);
      return undefined;
    }
    const { inviteId, inviter, username, expiresAt } = verified.claims;
    const status = await this.invites.status(inviteId);
    if (status !== 'active') {
      this.logger.debug(`guest token refused: invite ${inviteId} is ${status}`);
      return undefined;
    }
    return { username, expiresAt, guest: { inviteId, inviter } };
  }
}
