import { isGuestUsername, ServerMessage, usernameKey } from '@duet/shared/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { ListedUsers } from './listed-users';
import { MessageSink } from './message-sink';
import { Session } from './session';
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
 *
 * The list is serialized once and shared by the logins that follow (`ListedUsers`), as long as
 * the directory reports every change (`watchChanges`) and none touches the list; a registry shared
 * by instances builds it for each login (still bounded by `presenceLimit`).
 */
@Injectable()
export class PresenceService {
  private listed: ListedUsers | undefined;
  /** Lists being built: a change while one is built keeps it from being shared. */
  private readonly builds = new Set<ListBuild>();
  private readonly keepsList: boolean;

  constructor(
    @Inject(UserRegistryService) private readonly directory: UserDirectory,
    @Inject(SIGNALING_OPTIONS) private readonly options: SignalingOptions,
  ) {
    this.keepsList = directory.watchChanges((key) => this.changed(key));
  }

  /** Sends `newcomer` the list, and tells the others they arrived. */
  async announce(username: string, newcomer: Session): Promise<void> {
    if (isGuestUsername(username)) return;
    const total = await this.list(newcomer);
    if (total <= this.options.presenceLimit) {
      const { users } = await this.directory.online(this.options.presenceLimit);
      this.broadcast({ type: 'presence', username, online: true }, users, newcomer);
    }
  }

  /**
   * Sends `to` the list of who is online, who of them is in a call and who is not available (a
   * resumed session gets it afresh); how many are online.
   */
  async list(to: Session): Promise<number> {
    const listed = this.listed;
    if (listed !== undefined) {
      const { total } = await this.directory.online(0);
      to.sendFrame(listed.frame(total));
      return total;
    }
    const build: ListBuild = { stale: !this.keepsList };
    this.builds.add(build);
    try {
      const { users, total } = await this.directory.online(this.options.presenceLimit);
      build.keys = new Set(users.map((user) => usernameKey(user.username)));
      build.full = users.length >= this.options.presenceLimit;
      const names = users.map((user) => user.username).filter((name) => !isGuestUsername(name));
      const busy = await this.directory.busyAmong(names);
      const statuses = await this.directory.availabilityAmong(names);
      const built = new ListedUsers(build.keys, build.full, names, busy, statuses);
      if (!build.stale) this.listed = built;
      to.sendFrame(built.frame(total));
      return total;
    } finally {
      this.builds.delete(build);
    }
  }

  /** The directory changed the user under `key`: a list it touches is built afresh next time. */
  private changed(key: string): void {
    if (this.listed?.touchedBy(key)) this.listed = undefined;
    for (const build of this.builds) {
      // Before the build knows whom it lists, any change may touch it.
      if (build.keys === undefined || !build.full || build.keys.has(key)) build.stale = true;
    }
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

interface ListBuild {
  keys?: ReadonlySet<string>;
  full?: boolean;
  /** Something changed that it may list: it is sent, not kept. */
  stale: boolean;
}
