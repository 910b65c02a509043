import { CloseCode } from '@duet/shared/protocol';
import { Injectable } from '@nestjs/common';
import { Session } from '../session';
import { InviteRevocations } from './invite-revocations';

/**
 * The guest sessions logged in on this instance, by the invite they came in with: how many there
 * are (`MAX_GUESTS` is per instance), and ending them when their invite is revoked, wherever it was
 * revoked (`InviteRevocations`). Sessions are added at a guest's login (a resumed one too) and
 * removed when they are retired: ended, or taken over by the resumed session that replaces them.
 */
@Injectable()
export class GuestSessions {
  private readonly byInvite = new Map<string, Set<Session>>();
  private count = 0;

  constructor(revocations: InviteRevocations) {
    revocations.subscribe((inviteId) => this.endInvite(inviteId));
  }

  /** Guests logged in on this instance. */
  get online(): number {
    return this.count;
  }

  add(inviteId: string, session: Session): void {
    const sessions = this.byInvite.get(inviteId) ?? new Set<Session>();
    if (sessions.has(session)) return;
    sessions.add(session);
    this.byInvite.set(inviteId, sessions);
    this.count += 1;
    session.onRetire(() => this.remove(inviteId, session));
  }

  remove(inviteId: string, session: Session): void {
    const sessions = this.byInvite.get(inviteId);
    if (!sessions?.delete(session)) return;
    this.count -= 1;
    if (sessions.size === 0) this.byInvite.delete(inviteId);
  }

  /**
   * Closes (4403) every session of this instance that came in with `inviteId`; their ends run as for
   * any close (not `evict`, which would keep the name held and the inviter unaware).
   */
  endInvite(inviteId: string): void {
    for (const session of [...(this.byInvite.get(inviteId) ?? [])]) session.end(CloseCode.accessRevoked, 'invite revoked');
  }
}
