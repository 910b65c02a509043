import { Injectable, inject, signal } from '@angular/core';
import { CreatedInvite, InviteSummary } from '@duet/shared/protocol';
import { AccountsApi } from '../api/accounts-api';
import { inviteProblem } from './invite-words';

/**
 * The invite dialog's state (issue 25): the link just made (its URL is shown once: the server
 * keeps no copy of the token), whether it was revoked, and my other active links.
 */
@Injectable()
export class InvitesStore {
  private readonly api = inject(AccountsApi);
  private readonly createdState = signal<CreatedInvite | null>(null);
  private readonly revokedState = signal(false);
  private readonly othersState = signal<readonly InviteSummary[]>([]);
  private readonly busyState = signal(false);
  private readonly problemState = signal<string | null>(null);

  readonly created = this.createdState.asReadonly();
  /** The link just made was revoked. */
  readonly createdRevoked = this.revokedState.asReadonly();
  /** My other links that still work, newest first. */
  readonly others = this.othersState.asReadonly();
  readonly busy = this.busyState.asReadonly();
  readonly problem = this.problemState.asReadonly();

  async refresh(): Promise<void> {
    try {
      const { invites } = await this.api.invites();
      const created = this.createdState()?.id;
      this.othersState.set(invites.filter((invite) => invite.id !== created));
    } catch (error) {
      this.problemState.set(inviteProblem('list', error));
    }
  }

  async create(ttlHours: number): Promise<void> {
    if (this.busyState()) return;
    this.busyState.set(true);
    this.problemState.set(null);
    try {
      const previous = this.createdState();
      const invite = await this.api.createInvite(ttlHours);
      // The link made before this one is now one of the others (if it was not revoked).
      if (previous && !this.revokedState()) this.othersState.update((others) => [previous, ...others]);
      this.createdState.set(invite);
      this.revokedState.set(false);
    } catch (error) {
      this.problemState.set(inviteProblem('create', error));
    } finally {
      this.busyState.set(false);
    }
  }

  async revoke(id: string): Promise<void> {
    this.problemState.set(null);
    try {
      await this.api.revokeInvite(id);
      if (this.createdState()?.id === id) this.revokedState.set(true);
      this.othersState.update((others) => others.filter((invite) => invite.id !== id));
    } catch (error) {
      this.problemState.set(inviteProblem('revoke', error));
    }
  }
}
