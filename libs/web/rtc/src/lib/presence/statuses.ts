import { signal } from '@angular/core';
import { UserStatus, usernameKey } from '@duet/shared/protocol';

/** What someone said about taking calls, when it is not `available`. */
export type ShownAvailability = UserStatus['availability'];

/**
 * Who of the people listed said busy or do not disturb (`usernameKey`s), as the server told it:
 * in `users` and `search` answers (`statuses`) and in `presence` updates (`availability`).
 */
export class Statuses {
  private readonly byKey = signal<ReadonlyMap<string, ShownAvailability>>(new Map());
  readonly all = this.byKey.asReadonly();

  /** A whole list: only its `statuses` are not available. */
  reset(statuses: readonly UserStatus[] = []): void {
    this.byKey.set(new Map(statuses.map((status) => [usernameKey(status.username), status.availability])));
  }

  /** What the server just said of `names`: those in `statuses` are not available, the others are. */
  update(names: readonly string[], statuses: readonly UserStatus[] = []): void {
    const now = new Map(statuses.map((status) => [usernameKey(status.username), status.availability]));
    this.byKey.update((current) => {
      const next = new Map(current);
      for (const key of names.map(usernameKey)) {
        const availability = now.get(key);
        if (availability === undefined) next.delete(key);
        else next.set(key, availability);
      }
      return next;
    });
  }

  /** One person's change (`available`, or gone: undefined). */
  set(username: string, availability: ShownAvailability | 'available' | undefined): void {
    this.update([username], availability === undefined || availability === 'available' ? [] : [{ username, availability }]);
  }
}
