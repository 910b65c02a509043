import { ChangeDetectionStrategy, Component, ElementRef, inject, signal, viewChild } from '@angular/core';
import { ACCOUNT_SETTINGS } from '../account-settings';
import { COPIED, COPY_FAILED, INVITE_HINT, LINK_REVOKED, durationInWords, expiryChoices, timeInWords } from './invite-words';
import { InvitesStore } from './invites.store';

/** The server's default when it did not say one (older servers): a day. */
const FALLBACK_TTL_HOURS = 24;

/**
 * "Invite a guest" (issue 25): a button in the member's lobby, and a modal dialog (native
 * `<dialog>`: focus moves in and comes back, Escape closes) to make a link with an expiry, copy it,
 * revoke it, and see and revoke my other active links. Members only: the page never shows it to
 * guests, and it exists only on servers with accounts.
 */
@Component({
  selector: 'duet-invite-guest',
  changeDetection: ChangeDetectionStrategy.OnPush,
  providers: [InvitesStore],
  template: `
    <button type="button" class="open" data-testid="invite-button" aria-haspopup="dialog" (click)="open()">Invite a guest</button>
    <dialog #dialog aria-labelledby="invite-title" aria-describedby="invite-hint" (close)="closed()">
      <div class="head">
        <h2 id="invite-title">Invite a guest</h2>
        <button type="button" class="close" aria-label="Close" (click)="close()">✕</button>
      </div>
      <p id="invite-hint" class="hint">{{ hint }}</p>
      <form class="make" (submit)="create($event)">
        <label for="invite-expiry">Link expires after</label>
        <select #expiry id="invite-expiry" data-testid="invite-expiry">
          @for (hours of choices; track hours; let first = $first) {
            <option [value]="hours">{{ label(hours) }}{{ first ? ' (default)' : '' }}</option>
          }
        </select>
        <button type="submit" class="primary" [disabled]="store.busy()">{{ store.busy() ? 'Creating…' : 'Create link' }}</button>
      </form>
      @if (store.created(); as invite) {
        <div class="made" [class.revoked]="store.createdRevoked()">
          <p class="link" data-testid="invite-link">{{ invite.url }}</p>
          @if (store.createdRevoked()) {
            <p class="status" role="status">{{ revoked }}</p>
          } @else {
            <p class="when">Expires {{ time(invite.expiresAt) }}</p>
            <div class="actions">
              <button type="button" (click)="copy(invite.url)">Copy link</button>
              <button type="button" class="danger" data-testid="invite-revoke" (click)="store.revoke(invite.id)">Revoke</button>
            </div>
            <p class="status" role="status">{{ copyState() }}</p>
          }
        </div>
      }
      @if (store.problem(); as problem) {
        <p class="problem" role="alert">{{ problem }}</p>
      }
      @if (store.others().length > 0) {
        <h3>Your other active links</h3>
        <ul class="others">
          @for (invite of store.others(); track invite.id) {
            <li>
              <span>Made {{ time(invite.createdAt) }}, expires {{ time(invite.expiresAt) }}</span>
              <button type="button" class="danger small" data-testid="invite-revoke" [attr.aria-label]="'Revoke the link made ' + time(invite.createdAt)" (click)="store.revoke(invite.id)">
                Revoke
              </button>
            </li>
          }
        </ul>
      }
    </dialog>
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .open { justify-self: start; min-height: 2.25rem; padding: 0.3rem 0.8rem; font-size: 0.85rem; }
    dialog {
      width: min(34rem, calc(100vw - 2rem));
      max-height: calc(100dvh - 2rem);
      padding: 1rem 1.25rem;
      border: 1px solid var(--line);
      border-radius: var(--radius);
      background: var(--surface);
      color: inherit;
    }
    dialog::backdrop { background: rgb(0 0 0 / 0.5); }
    .head { display: flex; align-items: center; justify-content: space-between; gap: 0.5rem; }
    h2 { margin: 0; font-size: 1.2rem; }
    h3 { margin: 1rem 0 0.4rem; font-size: 0.95rem; }
    .close { min-width: 2.5rem; min-height: 2.5rem; }
    .hint { color: var(--muted); font-size: 0.9rem; }
    .make { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin-top: 0.75rem; }
    select {
      font: inherit; color: var(--fg); background: var(--surface-2); border: 1px solid var(--line);
      border-radius: 10px; padding: 0.5rem; min-height: 2.75rem; min-width: 0;
    }
    select:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
    .made { margin-top: 1rem; padding: 0.75rem; border-radius: var(--radius); border: 1px solid var(--line); }
    .link { margin: 0; font-family: monospace; overflow-wrap: anywhere; user-select: all; }
    .revoked .link { text-decoration: line-through; color: var(--muted); }
    .when { margin: 0.4rem 0; font-size: 0.9rem; }
    .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; }
    .status { margin: 0.4rem 0 0; font-size: 0.9rem; min-height: 1.2em; }
    .problem { color: var(--warn-fg); background: var(--warn-bg); border: 1px solid var(--warn-border); border-radius: var(--radius); padding: 0.4rem 0.6rem; }
    .others { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.4rem; }
    .others li { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem; font-size: 0.9rem; }
    .small { min-height: 2.25rem; padding: 0.2rem 0.7rem; }
  `,
})
export class InviteGuestComponent {
  protected readonly store = inject(InvitesStore);
  protected readonly choices = expiryChoices(inject(ACCOUNT_SETTINGS)?.invites?.defaultTtlHours ?? FALLBACK_TTL_HOURS);
  protected readonly hint = INVITE_HINT;
  protected readonly revoked = LINK_REVOKED;
  protected readonly label = durationInWords;
  protected readonly time = timeInWords;
  protected readonly copyState = signal('');
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private readonly expiry = viewChild.required<ElementRef<HTMLSelectElement>>('expiry');

  protected open(): void {
    const dialog = this.dialog().nativeElement;
    this.copyState.set('');
    // showModal moves focus into the dialog, makes the page behind it inert, and Escape closes it.
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else dialog.setAttribute('open', '');
    void this.store.refresh();
  }

  protected close(): void {
    const dialog = this.dialog().nativeElement;
    if (typeof dialog.close === 'function') dialog.close();
    else dialog.removeAttribute('open');
  }

  protected closed(): void {
    this.copyState.set('');
  }

  protected create(event: Event): void {
    event.preventDefault();
    this.copyState.set('');
    void this.store.create(Number(this.expiry().nativeElement.value));
  }

  protected async copy(url: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(url);
      this.copyState.set(COPIED);
    } catch {
      this.copyState.set(COPY_FAILED);
    }
  }
}
