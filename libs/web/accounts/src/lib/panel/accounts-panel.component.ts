import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterRenderEffect,
  effect,
  inject,
  input,
  output,
  untracked,
} from '@angular/core';
import { NO_ACCOUNTS } from '../accounts-words';
import { CallHistoryComponent } from '../history/call-history.component';
import { CallHistoryStore } from '../history/call-history.store';
import { InviteGuestComponent } from '../invites/invite-guest.component';
import { PushSwitchComponent } from '../push/push-switch.component';
import { HISTORY_PANEL_ID } from './panel-ids';

/**
 * The lobby's "Calls" card: "Invite a guest", the push switch and the call history behind a toggle. On a server with
 * no accounts (AUTH_MODE=none) it says why neither exists.
 */
@Component({
  selector: 'duet-accounts-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [CallHistoryComponent, InviteGuestComponent, PushSwitchComponent],
  template: `
    <section class="card" aria-labelledby="calls-title">
      <h2 id="calls-title" class="title">Calls</h2>
      @if (store.available) {
        <duet-invite-guest />
        <duet-push-switch [user]="user()" />
        <button
          type="button"
          class="toggle"
          data-testid="history-toggle"
          [attr.aria-expanded]="store.open()"
          [attr.aria-controls]="store.open() ? panelId : null"
          (click)="store.setOpen(!store.open())"
        >
          {{ store.open() ? 'Hide call history' : 'Show call history' }}
        </button>
        @if (store.open()) {
          <duet-call-history [id]="panelId" tabindex="-1" [canCall]="canCall()" (callBack)="callBack.emit($event)" />
        }
      } @else {
        <p class="hint" data-testid="accounts-unavailable">{{ noAccounts }}</p>
      }
    </section>
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .card { display: grid; gap: 0.6rem; }
    .title { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 0; }
    .toggle { justify-self: start; min-height: 2.25rem; padding: 0.3rem 0.8rem; font-size: 0.85rem; }
    .hint { font-size: 0.9rem; }
    duet-call-history:focus { outline: none; }
  `,
})
export class AccountsPanelComponent {
  protected readonly store = inject(CallHistoryStore);
  /** The signed-in user. */
  readonly user = input.required<string>();
  /** Whether a call can be placed now: "Call back" is disabled otherwise. */
  readonly canCall = input(true);
  /** A call is on (or ringing): when it stops, the history has a new row. */
  readonly callActive = input(false);
  readonly callBack = output<string>();

  protected readonly noAccounts = NO_ACCOUNTS;
  protected readonly panelId = HISTORY_PANEL_ID;
  private readonly host: HTMLElement = inject(ElementRef).nativeElement;

  constructor() {
    effect(() => {
      const user = this.user();
      untracked(() => this.store.start(user));
    });
    let wasActive = false;
    effect(() => {
      const active = this.callActive();
      if (wasActive && !active) untracked(() => void this.store.refresh());
      wasActive = active;
    });
    afterRenderEffect(() => {
      if (this.store.revealRequests() === 0) return;
      const panel = this.host.querySelector<HTMLElement>(`#${HISTORY_PANEL_ID}`);
      panel?.focus();
      panel?.scrollIntoView?.({ block: 'nearest' });
    });
  }
}
