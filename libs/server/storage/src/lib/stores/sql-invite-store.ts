import { usernameKey } from '@duet/shared/protocol';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DUET_DATABASE, DuetDatabase, millis } from '../database/schema';
import { STORAGE_CLOCK } from './storage-clock';
import { InviteStatus, InviteStore, StoredInvite } from './stores';

/**
 * Invite links in the shared database, so any instance can tell a revoked one at a guest's
 * upgrade. Rows live until their invite expires: each `create` prunes the expired ones (an invite
 * lasts at most a week, and a member makes few), so the table never outgrows the live links.
 */
@Injectable()
export class SqlInviteStore extends InviteStore {
  constructor(
    @Inject(DUET_DATABASE) private readonly db: DuetDatabase,
    @Optional() @Inject(STORAGE_CLOCK) private readonly now: () => number = Date.now,
  ) {
    super();
  }

  async create(invite: StoredInvite): Promise<void> {
    await this.prune();
    await this.db
      .insertInto('invites')
      .values({
        id: invite.id,
        inviter: usernameKey(invite.inviter),
        inviter_name: invite.inviter,
        created_at: invite.createdAt,
        expires_at: invite.expiresAt,
        revoked_at: null,
      })
      .execute();
  }

  async listActive(inviter: string): Promise<readonly StoredInvite[]> {
    const rows = await this.db
      .selectFrom('invites')
      .select(['id', 'inviter_name', 'created_at', 'expires_at'])
      .where('inviter', '=', usernameKey(inviter))
      .where('expires_at', '>', this.now())
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({ id: row.id, inviter: row.inviter_name, createdAt: millis(row.created_at), expiresAt: millis(row.expires_at) }));
  }

  async revoke(id: string, inviter: string): Promise<boolean> {
    const now = this.now();
    const result = await this.db
      .updateTable('invites')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('inviter', '=', usernameKey(inviter))
      .where('expires_at', '>', now)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async status(id: string): Promise<InviteStatus> {
    const row = await this.db.selectFrom('invites').select(['expires_at', 'revoked_at']).where('id', '=', id).executeTakeFirst();
    if (row === undefined || millis(row.expires_at) <= this.now()) return 'unknown';
    return row.revoked_at === null ? 'active' : 'revoked';
  }

  async prune(): Promise<number> {
    const result = await this.db.deleteFrom('invites').where('expires_at', '<=', this.now()).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
