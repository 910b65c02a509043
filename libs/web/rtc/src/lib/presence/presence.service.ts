import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { USERNAME_MAX_LENGTH, usernameKey } from '@duet/shared/protocol';
import { SignalingClient } from '../signaling/signaling-client.service';
import { Statuses } from './statuses';

/** What a search may hold: the start of a name (anything else matches nobody, and is never sent). */
const SEARCHABLE = /^[A-Za-z0-9._-]+$/;

/** The directory's answer to what was typed: names starting with it, and whether there are more. */
export interface SearchMatches {
  readonly prefix: string;
  readonly users: readonly string[];
  readonly more: boolean;
}

/**
 * Who else is online: the owner of the server's `users`, `presence` and `search` messages. Past
 * the server's presence limit the list is a sample (`total` says how many are online) and people
 * find each other by typing the start of a name (`search`), answered by the whole directory.
 */
@Injectable({ providedIn: 'root' })
export class PresenceService {
  private readonly signaling = inject(SignalingClient);
  private readonly others = signal<readonly string[]>([]);
  private readonly everyone = signal<number | null>(null);
  private readonly found = signal<SearchMatches | null>(null);
  private readonly busyKeys = signal<ReadonlySet<string>>(new Set());
  private readonly statuses = new Statuses();
  private query = '';

  /** Everyone online but me (in any spelling), sorted for people. */
  readonly onlineUsers = this.others.asReadonly();
  /** How many are online, when the list is only a sample of them; null when it is everyone. */
  readonly sampleOf = this.everyone.asReadonly();
  /** The matches for the current search, null when nothing is being searched for. */
  readonly matches = this.found.asReadonly();
  /** Who is in a call, as far as the server said (`usernameKey`s): from the list, searches and presence. */
  readonly busy = this.busyKeys.asReadonly();
  /** Who said busy or do not disturb (`usernameKey`s), as far as the server said: not the same as being in a call. */
  readonly availability = this.statuses.all;

  constructor() {
    this.signaling
      .claim('users', 'presence', 'search')
      .pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((message) => {
        switch (message.type) {
          case 'users':
            this.others.set(sorted(message.users.filter((name) => !this.isSelf(name))));
            this.everyone.set(message.truncated ? message.total : null);
            this.busyKeys.set(new Set((message.busy ?? []).map(usernameKey)));
            this.statuses.reset(message.statuses);
            return;
          case 'search':
            // Answers to what was typed before the latest keystroke are stale.
            if (message.prefix !== this.query) return;
            this.found.set({ prefix: message.prefix, users: message.users.filter((name) => !this.isSelf(name)), more: message.more });
            this.markBusy(message.users, message.busy ?? []);
            this.statuses.update(message.users, message.statuses);
            return;
          case 'presence':
            if (this.isSelf(message.username)) return;
            this.others.update((users) => {
              const rest = users.filter((name) => usernameKey(name) !== usernameKey(message.username));
              return message.online ? sorted([...rest, message.username]) : rest;
            });
            if (!message.online) this.dropFromMatches(message.username);
            if (!message.online || message.availability !== undefined) this.statuses.set(message.username, message.availability);
            // An availability update says nothing about calls.
            if (message.availability === undefined) this.markBusy([message.username], message.online && message.busy ? [message.username] : []);
        }
      });
  }

  /** Looks up who is online by the start of their name; an empty text ends the search. */
  search(text: string): void {
    const prefix = text.trim();
    this.query = prefix;
    if (prefix === '') {
      this.found.set(null);
      return;
    }
    if (prefix.length > USERNAME_MAX_LENGTH || !SEARCHABLE.test(prefix)) {
      this.found.set({ prefix, users: [], more: false });
      return;
    }
    this.signaling.send({ type: 'search', prefix });
  }

  /** What the server just said of `names`: those in `busy` are in a call, the others are not. */
  private markBusy(names: readonly string[], busy: readonly string[]): void {
    const now = new Set(busy.map(usernameKey));
    this.busyKeys.update((keys) => {
      const next = new Set(keys);
      for (const name of names) {
        if (now.has(usernameKey(name))) next.add(usernameKey(name));
        else next.delete(usernameKey(name));
      }
      return next;
    });
  }

  private dropFromMatches(username: string): void {
    this.found.update((found) => found && { ...found, users: found.users.filter((name) => usernameKey(name) !== usernameKey(username)) });
  }

  private isSelf(name: string): boolean {
    const me = this.signaling.session()?.username;
    return me !== undefined && usernameKey(me) === usernameKey(name);
  }
}

function sorted(names: string[]): string[] {
  return names.sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }));
}
