import { guestKeyPrefix, parseGuestUsername } from '@duet/shared/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { Session } from '../session';
import { OnlineUser, UserDirectory } from '../user-directory';
import { UserRegistryService } from '../user-registry.service';
import { GuestSessions } from './guest-sessions';

/**
 * The only presence a guest and its inviter share: the guest hears whether its inviter is online
 * (`presence`), the inviter hears its guests come and go (`guest`). Members' presence never names
 * a guest, nor reaches one (`PresenceService`).
 */
@Injectable()
export class GuestNotices {
  /** Guests one inviter is told about at login: a bound on the cost, not on how many they may have. */
  static readonly GUESTS_LISTED = 20;

  constructor(
    @Inject(UserRegistryService) private readonly directory: UserDirectory,
    private readonly guests: GuestSessions,
  ) {}

  /**
   * `session` logged in (`resumed`: took over its own session). A guest is counted and hears about
   * its inviter, who hears it arrived; a member hears which of its guests are online, and they
   * hear it is.
   */
  async loggedIn(session: Session, resumed: boolean): Promise<void> {
    const username = session.username;
    if (username === undefined) return;
    const guest = parseGuestUsername(username);
    const inviteId = session.identity.guest?.inviteId;
    if (guest !== undefined && inviteId !== undefined) {
      this.guests.add(inviteId, session);
      const inviter = await this.directory.find(guest.inviter);
      session.send({ type: 'presence', username: inviter?.username ?? guest.inviter, online: inviter !== undefined });
      if (!resumed) inviter?.sink.send({ type: 'guest', username, online: true });
      return;
    }
    // A resumed member was kept what it missed (`guest` messages are kept for a parked session).
    if (resumed) return;
    for (const { username: name, sink } of await this.guestsOf(username)) {
      session.send({ type: 'guest', username: name, online: true });
      sink.send({ type: 'presence', username, online: true });
    }
  }

  /** `username`'s session ended: its inviter, or its guests, are told. */
  async left(username: string): Promise<void> {
    const guest = parseGuestUsername(username);
    if (guest !== undefined) {
      (await this.directory.find(guest.inviter))?.sink.send({ type: 'guest', username, online: false });
      return;
    }
    for (const { sink } of await this.guestsOf(username)) sink.send({ type: 'presence', username, online: false });
  }

  /** `inviter`'s guests online anywhere, at most `GUESTS_LISTED` (one prefix search, then one lookup each). */
  private async guestsOf(inviter: string): Promise<OnlineUser[]> {
    const { users } = await this.directory.search(guestKeyPrefix(inviter), GuestNotices.GUESTS_LISTED);
    const found = await Promise.all(users.map((name) => this.directory.find(name)));
    return found.filter((user) => user !== undefined);
  }
}
