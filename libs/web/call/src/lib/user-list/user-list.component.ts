import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

@Component({
  selector: 'duet-user-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 id="online-title" class="title">
      Online now <span class="count" aria-label="{{ users().length }} people">{{ users().length }}</span>
    </h2>
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
      @for (user of users(); track user) {
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
    @if (users().length === 0) {
      <p class="empty">Nobody else is online yet. Open Duet in another window to try it.</p>
    }
  `,
  styles: `
    :host { display: block; min-width: 0; }
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
  readonly users = input<readonly string[]>([]);
  readonly disabled = input(false);
  /** Set while offline: the list may no longer be true, and says so. */
  readonly staleNote = input<string | null>(null);
  readonly callUser = output<string>();
}
