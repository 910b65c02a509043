import { ConnectionAuthenticator, Identity } from '@duet/server/auth';
import { InviteStatus, InviteStore, StoredInvite } from '@duet/server/storage';
import { guestUsername } from '@duet/shared/protocol';
import type { IncomingMessage } from 'node:http';
import { GuestAwareAuthenticator, guestAware } from './guest-aware-authenticator';
import { InviteChecks } from './invite-checks';
import { inviteExpiry, InviteTokens } from './invite-tokens';

/** Only `status` is asked for by the checks of a guest token. */
class StatusOnlyInvites extends InviteStore {
  readonly statuses = new Map<string, InviteStatus>();
  async create(): Promise<void> {
    throw new Error('not used');
  }
  async listActive(): Promise<readonly StoredInvite[]> {
    return [];
  }
  async revoke(): Promise<boolean> {
    return false;
  }
  async status(id: string): Promise<InviteStatus> {
    return this.statuses.get(id) ?? 'unknown';
  }
  async prune(): Promise<number> {
    return 0;
  }
}

class Members extends ConnectionAuthenticator {
  readonly seen: string[] = [];
  async authenticate(request: IncomingMessage): Promise<Identity | undefined> {
    this.seen.push(request.headers.authorization ?? '');
    return { username: 'member' };
  }
}

class RenewingMembers extends Members {
  override async renew(token: string): Promise<Identity | undefined> {
    return { username: `renewed ${token}` };
  }
}

const upgrade = (token: string) => ({ headers: { authorization: `Bearer ${token}` }, url: '/ws' }) as unknown as IncomingMessage;

describe(GuestAwareAuthenticator.name, () => {
  const tokens = new InviteTokens(new TextEncoder().encode('the-invite-key-of-this-test-server-0123'));
  const invites = new StatusOnlyInvites();
  const checks = new InviteChecks(tokens, invites);
  const expiresAt = inviteExpiry(Date.now(), 1);
  const dana = guestUsername('alice', 'Dana');
  const guestToken = (inviteId: string) => tokens.issueGuest({ inviteId, inviter: 'alice', username: dana, expiresAt });

  it('lets a guest in as its wire name until the invite ends, and never shows members the guest token', async () => {
    invites.statuses.set('live', 'active');
    const members = new Members();
    const identity = await guestAware(members, checks).authenticate(upgrade(await guestToken('live')));
    expect(identity).toEqual({ username: dana, expiresAt, guest: { inviteId: 'live', inviter: 'alice' } });
    expect(members.seen).toEqual([]);
  });

  it('refuses the guest token of a revoked or unknown invite', async () => {
    invites.statuses.set('gone', 'revoked');
    const authenticator = guestAware(new Members(), checks);
    expect(await authenticator.authenticate(upgrade(await guestToken('gone')))).toBeUndefined();
    expect(await authenticator.authenticate(upgrade(await guestToken('never-made')))).toBeUndefined();
  });

  it('hands every other request to the members’ authenticator unchanged, an invite token included', async () => {
    const members = new Members();
    const authenticator = guestAware(members, checks);
    const inviteToken = await tokens.issueInvite({ inviteId: 'live', inviter: 'alice', expiresAt });
    expect(await authenticator.authenticate(upgrade('member-jwt'))).toEqual({ username: 'member' });
    expect(await authenticator.authenticate(upgrade(inviteToken))).toEqual({ username: 'member' });
    expect(members.seen).toEqual(['Bearer member-jwt', `Bearer ${inviteToken}`]);
  });

  it('renews members as their authenticator does, never a guest, and has no renew when members have none', async () => {
    invites.statuses.set('live', 'active');
    const renewing = guestAware(new RenewingMembers(), checks);
    expect(await renewing.renew?.('member-jwt')).toEqual({ username: 'renewed member-jwt' });
    expect(await renewing.renew?.(await guestToken('live'))).toBeUndefined();
    expect(guestAware(new Members(), checks).renew).toBeUndefined();
  });
});
