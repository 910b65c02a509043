import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { usernameKey } from '@duet/shared/protocol';
import { SignalingClient } from '../signaling/signaling-client.service';

/**
 * A member's guests who are online now (issue 25): the owner of the server's `guest` messages,
 * sent to the inviter only, on each change and once per guest after the inviter's login. Guests
 * never appear in `users` or `presence`, so this is the only way a member learns one is waiting.
 */
@Injectable({ providedIn: 'root' })
export class GuestsService {
  private readonly online = signal<readonly string[]>([]);

  /** The online guests' wire names (`guest:<me>:<display name>`), in the order they came. */
  readonly guests = this.online.asReadonly();

  constructor() {
    const signaling = inject(SignalingClient);
    const destroyRef = inject(DestroyRef);
    signaling
      .claim('guest')
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe(({ username, online }) => {
        const key = usernameKey(username);
        this.online.update((guests) => {
          const rest = guests.filter((name) => usernameKey(name) !== key);
          return online ? [...rest, username] : rest;
        });
      });
    // A new login's server sends the guests online again: the last session's list is stale.
    signaling.session$.pipe(takeUntilDestroyed(destroyRef)).subscribe((session) => {
      if (session === null || !session.resumed) this.online.set([]);
    });
  }
}
