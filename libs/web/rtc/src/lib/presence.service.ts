import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { usernameKey } from '@duet/shared/protocol';
import { SignalingClient } from './signaling-client.service';

/** Who else is online: the owner of the server's `users` and `presence` messages. */
@Injectable({ providedIn: 'root' })
export class PresenceService {
  private readonly signaling = inject(SignalingClient);
  private readonly others = signal<readonly string[]>([]);

  /** Everyone online but me (in any spelling), sorted for people. */
  readonly onlineUsers = this.others.asReadonly();

  constructor() {
    this.signaling
      .claim('users', 'presence')
      .pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((message) => {
        if (message.type === 'users') {
          this.others.set(sorted(message.users.filter((name) => !this.isSelf(name))));
          return;
        }
        if (this.isSelf(message.username)) return;
        this.others.update((users) => {
          const rest = users.filter((name) => usernameKey(name) !== usernameKey(message.username));
          return message.online ? sorted([...rest, message.username]) : rest;
        });
      });
  }

  private isSelf(name: string): boolean {
    const me = this.signaling.session()?.username;
    return me !== undefined && usernameKey(me) === usernameKey(name);
  }
}

function sorted(names: string[]): string[] {
  return names.sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));
}
