import { UserStatus } from '@duet/shared/protocol';

/**
 * The `users` message a newcomer gets, serialized once and shared by every login until a change
 * touches it (`touchedBy`): a login then costs a string concatenation, not a walk over the
 * listed users, their calls and their availability, nor a `JSON.stringify` of them. Only `total`
 * (and `truncated`, which follows from it) is filled in per login.
 */
export class ListedUsers {
  private readonly head: string;
  private readonly tail: string;

  constructor(
    /** The keys (`usernameKey`) of the users the directory listed, guests included. */
    private readonly keys: ReadonlySet<string>,
    /** The directory listed as many as asked: a newcomer beyond them does not enter the list. */
    private readonly full: boolean,
    names: readonly string[],
    busy: readonly string[],
    statuses: readonly UserStatus[],
  ) {
    // The fields of `UsersMessage`, in the order `PresenceService` always sent them.
    this.head = `{"type":"users","users":${JSON.stringify(names)}`;
    this.tail =
      (busy.length > 0 ? `,"busy":${JSON.stringify(busy)}` : '') + (statuses.length > 0 ? `,"statuses":${JSON.stringify(statuses)}` : '') + '}';
  }

  /** The message, serialized, for `total` users online. */
  frame(total: number): string {
    return `${this.head},"total":${total},"truncated":${total > this.keys.size}${this.tail}`;
  }

  /**
   * Whether a change to the user under `key` (online, call, availability) may change this list.
   * The directory lists users in login order: while it listed fewer than asked, anyone's change
   * may; once full, only a listed user's (when one leaves, the next moves up).
   */
  touchedBy(key: string): boolean {
    return !this.full || this.keys.has(key);
  }
}
