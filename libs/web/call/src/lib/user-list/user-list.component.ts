import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { USERNAME_MAX_LENGTH, usernameKey } from '@duet/shared/protocol';
import { ShownAvailability } from '@duet/web/rtc';
import { AVAILABILITY_LABELS } from '../words';

@Component({
  selector: 'duet-user-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 id="online-title" class="title">
      Online now <span class="count" aria-label="{{ onlineCount() }} people">{{ onlineCount() }}</span>
    </h2>
    <input
      type="search"
      data-testid="user-search"
      class="search"
      placeholder="Find someone by name"
      aria-label="Find someone by name"
      autocomplete="off"
      spellcheck="false"
      [attr.maxlength]="maxLength"
      (input)="searchFor($event)"
    />
    @if (staleNote(); as note) {
      <p class="stale" id="online-stale">{{ note }}</p>
    }
    <ul
      data-testid="user-list"
      class="users"
      aria-labelledby="online-title"
      [class.stale]="staleNote() !== null"
      [attr.data-stale]="staleNote() !== null ? 'true' : null"
      [attr.aria-describedby]="staleNote() ? 'online-stale' : null"
    >
      @for (user of shown(); track user; let index = $index) {
        @let busyNow = isBusy(user);
        @let said = availabilityOf(user);
        <!-- The badge sits beside the button, never in it: an item's text is its name alone. -->
        <li class="entry">
          <button
            type="button"
            data-testid="user-item"
            class="user"
            [attr.data-initial]="user.charAt(0).toUpperCase()"
            [attr.aria-label]="'Call ' + user"
            [attr.aria-describedby]="describedBy(busyNow, said, index)"
            [title]="'Call ' + user"
            [disabled]="disabled()"
            (click)="callUser.emit(user)"
          >{{ user }}</button>
          @if (said) {
            <span class="badge" [class.dnd]="said === 'dnd'" data-testid="user-availability" [id]="'user-said-' + index">{{ labels[said] }}</span>
          }
          @if (busyNow) {
            <span class="badge" data-testid="user-busy" [id]="'user-busy-' + index">In a call</span>
          }
        </li>
      }
    </ul>
    @if (matches(); as found) {
      @if (found.length === 0) {
        <p class="empty">Nobody online has a name that starts like that.</p>
      } @else if (moreMatches()) {
        <p class="empty">More names start like that: type more of the name.</p>
      }
    } @else if (sampleOf() !== null) {
      <p class="empty">These are some of the {{ sampleOf() }} people online: type a name to find anyone.</p>
    } @else if (users().length === 0) {
      <p class="empty">Nobody else is online yet. Open Duet in another window to try it.</p>
    }
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .search { width: 100%; box-sizing: border-box; margin: 0 0 0.5rem; }
    .title { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 0 0 0.5rem; }
    .count { background: var(--surface-2); border-radius: 999px; padding: 0.05rem 0.5rem; margin-left: 0.25rem; }
    .users { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.4rem; }
    .user {
      width: 100%;
      display: flex;
      align-items: center;
      gap: 0.75rem;
      text-align: left;
      background: var(--surface-2);
      color: var(--fg);
      border: 1px solid transparent;
    }
    .entry { display: flex; align-items: center; gap: 0.5rem; }
    .entry > .user { flex: 1; min-width: 0; }
    /* A name calls at once: hover and keyboard focus say so, in words, not only with a border. */
    .user:not(:disabled) { cursor: pointer; }
    .user:hover:not(:disabled), .user:focus-visible { border-color: var(--accent); }
    .user:not(:disabled):is(:hover, :focus-visible)::after {
      content: 'Call';
      margin-left: auto;
      padding: 0.1rem 0.6rem;
      border-radius: 999px;
      background: var(--accent);
      color: var(--accent-fg);
      font-size: 0.8rem;
      font-weight: 600;
    }
    .badge.dnd { color: var(--warn-fg); background: var(--warn-bg); border-color: transparent; }
    .badge {
      flex: none;
      padding: 0.1rem 0.5rem;
      border: 1px solid currentColor;
      border-radius: 999px;
      font-size: 0.8rem;
      color: var(--muted);
      white-space: nowrap;
    }
    .user::before {
      content: attr(data-initial);
      display: inline-grid;
      place-items: center;
      width: 2rem;
      height: 2rem;
      border-radius: 50%;
      background: var(--accent);
      color: var(--accent-fg);
      font-weight: 600;
    }
    .empty { color: var(--muted); margin: 0.5rem 0 0; }
    p.stale { color: var(--muted); font-size: 0.85rem; margin: 0 0 0.5rem; }
    ul.stale { opacity: 0.6; }
  `,
})
export class UserListComponent {
  /** Who is online (a sample of them when `sampleOf` says how many there are). */
  readonly users = input<readonly string[]>([]);
  readonly sampleOf = input<number | null>(null);
  /** The directory's answer to what is typed in the search box; null while it is empty. */
  readonly matches = input<readonly string[] | null>(null);
  readonly moreMatches = input(false);
  readonly disabled = input(false);
  /** Who is in a call (`usernameKey`s): shown beside their name, in words. */
  readonly busy = input<ReadonlySet<string>>(new Set());
  /** Who said busy or do not disturb (`usernameKey`s): shown beside their name, apart from "In a call". */
  readonly availability = input<ReadonlyMap<string, ShownAvailability>>(new Map());
  /** Set while offline: the list may no longer be true, and says so. */
  readonly staleNote = input<string | null>(null);
  readonly callUser = output<string>();
  protected readonly maxLength = USERNAME_MAX_LENGTH;
  protected readonly labels = AVAILABILITY_LABELS;
  /** What is typed in the search box, on every change. */
  readonly lookUp = output<string>();

  protected readonly shown = computed(() => this.matches() ?? this.users());
  protected readonly onlineCount = computed(() => this.sampleOf() ?? this.users().length);

  protected isBusy(user: string): boolean {
    return this.busy().has(usernameKey(user));
  }

  protected availabilityOf(user: string): ShownAvailability | undefined {
    return this.availability().get(usernameKey(user));
  }

  protected describedBy(busy: boolean, said: ShownAvailability | undefined, index: number): string | null {
    const ids = [said ? `user-said-${index}` : '', busy ? `user-busy-${index}` : ''].filter((id) => id !== '');
    return ids.length > 0 ? ids.join(' ') : null;
  }

  protected searchFor(event: Event): void {
    this.lookUp.emit((event.target as HTMLInputElement).value);
  }
}
