import { isGuestUsername, ServerMessage, usernameKey } from '@duet/shared/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { MessageSink } from './message-sink';
import { SIGNALING_OPTIONS, SignalingOptions } from './signaling-options';
import { OnlineUser, UserDirectory } from './user-directory';
import { UserRegistryService } from './user-registry.service';

/**
 * Who is online, kept to a bounded cost: no login or logout may cost work proportional to the
 * number of users online. A newcomer gets at most `presenceLimit` names; joins and leaves are
 * pushed to everyone only while at most `presenceLimit` users are online. Past that the list is a
 * sample (`truncated: true`), updates stop, and people call each other by name.
 *
 * Guests are not in it: never named in `users` or `presence`, never sent either (what a guest hears
 * about its inviter is `GuestNotices`' business). `total` still counts them: it bounds the cost.
 */
@Injectable()
export class PresenceService {
  constructor(
    @Inject(UserRegistryService) private readonly directory: UserDirectory,
    @Inject(SIGNALING_OPTIONS) private readonly options: SignalingOptions,
  ) {}

  /** Sends `newcomer` the list, and tells the others they arrived. */
  async announce(username: string, newcomer: MessageSink): Promise<void> {
    if (isGuestUsername(username)) return;
    const { users, total } = await this.list(newcomer);
    if (total <= this.options.presenceLimit) {
      this.broadcast({ type: 'presence', username, online: true }, users, newcomer);
    }
  }

  /** Sends `to` the list of who is online, and who of them is in a call (a resumed session gets it afresh). */
  async list(to: MessageSink): Promise<{ users: readonly OnlineUser[]; total: number }> {
    const { users, total } = await this.directory.online(this.options.presenceLimit);
    const names = users.map((user) => user.username).filter((name) => !isGuestUsername(name));
    const busy = await this.directory.busyAmong(names);
    to.send({ type: 'users', users: names, total, truncated: total > users.length, ...(busy.length > 0 && { busy: [...busy] }) });
    return { users, total };
  }

  /**
   * The call of `usernames` (its two parties) started (`busy`) or ended: the others are told, under
   * the same bound as joins and leaves. The parties know already.
   */
  async callChanged(usernames: readonly string[], busy: boolean): Promise<void> {
    const { users, total } = await this.directory.online(this.options.presenceLimit);
    if (total > this.options.presenceLimit) return;
    const parties = new Set(usernames.map(usernameKey));
    for (const username of usernames.filter((name) => !isGuestUsername(name))) {
      for (const user of users) {
        if (!parties.has(usernameKey(user.username)) && !isGuestUsername(user.username)) user.sink.send({ type: 'presence', username, online: true, busy });
      }
    }
  }

  /** Tells the others `username` left (it is already out of the registry). */
  async withdraw(username: string): Promise<void> {
    if (isGuestUsername(username)) return;
    const { users, total } = await this.directory.online(this.options.presenceLimit);
    if (total <= this.options.presenceLimit) {
      this.broadcast({ type: 'presence', username, online: false }, users);
    }
  }

  private broadcast(message: ServerMessage, users: readonly OnlineUser[], except?: MessageSink): void {
    for (const { username, sink } of users) {
      if (sink !== except && !isGuestUsername(username)) sink.send(message);
    }
  }
}
