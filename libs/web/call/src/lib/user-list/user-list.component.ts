import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';

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
      maxlength="32"
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
      @for (user of shown(); track user) {
        <li>
          <button
            type="button"
            data-testid="user-item"
            class="user"
            [attr.data-initial]="user.charAt(0).toUpperCase()"
            [attr.aria-label]="'Call ' + user"
            [disabled]="disabled()"
            (click)="callUser.emit(user)"
          >{{ user }}</button>
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
    .user:hover:not(:disabled) { border-color: var(--accent); }
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
  /** Set while offline: the list may no longer be true, and says so. */
  readonly staleNote = input<string | null>(null);
  readonly callUser = output<string>();
  /** What is typed in the search box, on every change. */
  readonly lookUp = output<string>();

  protected readonly shown = computed(() => this.matches() ?? this.users());
  protected readonly onlineCount = computed(() => this.sampleOf() ?? this.users().length);

  protected searchFor(event: Event): void {
    this.lookUp.emit((event.target as HTMLInputElement).value);
  }
}
