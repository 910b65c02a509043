import { ChangeDetectionStrategy, Component, DOCUMENT, ElementRef, afterRenderEffect, computed, inject, input, output, signal, viewChild } from '@angular/core';
import { DISPLAY_NAME_RULE, GUEST_DISPLAY_NAME_MAX_LENGTH } from '@duet/shared/protocol';

/**
 * An invite link's page: who invited you, a display name, Join. Its own chunk (the sign-in panel
 * loads it with @defer): only guests ever see it. Inputs in, outputs out.
 */
@Component({
  selector: 'duet-guest-join',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="join" aria-labelledby="sign-in-title" (submit)="submit($event)">
      <h2 id="sign-in-title">
        @if (inviter(); as inviter) {
          {{ inviter }} invited you to a call on Duet
        } @else if (error()) {
          This invite link cannot be used
        } @else {
          Checking your invite link…
        }
      </h2>
      @if (inviter()) {
        <p class="hint">Choose the name {{ inviter() }} will see. You can call {{ inviter() }} once you are in.</p>
        <label for="guest-name">Your name</label>
        <div class="row">
          <input
            #nameInput
            id="guest-name"
            data-testid="guest-name-input"
            autocomplete="name"
            [attr.maxlength]="maxLength"
            [attr.aria-describedby]="error() ? 'guest-error guest-rule' : 'guest-rule'"
            [value]="name()"
            [disabled]="pending()"
            (input)="name.set(nameInput.value)"
          />
          <button type="submit" class="primary" data-testid="guest-join-button" [disabled]="pending() || !name().trim()">
            {{ pending() ? 'Joining…' : 'Join' }}
          </button>
        </div>
        <p id="guest-rule" class="hint small">Your name {{ rule }}.</p>
      }
      @if (error(); as error) {
        <p id="guest-error" class="error" role="alert" data-testid="error-message">{{ error }}</p>
      }
    </form>
  `,
  styleUrl: '../sign-in-card.css',
  styles: `
    h2 { overflow-wrap: anywhere; }
    label { display: block; margin-top: 1rem; font-weight: 600; }
    .row { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-top: 0.35rem; }
    input { flex: 1 1 12rem; min-width: 0; }
    .small { font-size: 0.85rem; margin-top: 0.75rem; }
  `,
})
export class GuestJoinComponent {
  /** Who invited; null while the invite is checked, or when it was refused. */
  readonly inviter = input<string | null>(null);
  readonly pending = input(false);
  readonly error = input<string | undefined>(undefined);
  readonly join = output<string>();
  protected readonly name = signal('');
  protected readonly maxLength = GUEST_DISPLAY_NAME_MAX_LENGTH;
  protected readonly rule = DISPLAY_NAME_RULE;
  protected readonly canJoin = computed(() => !this.pending() && this.name().trim() !== '');
  private readonly nameInput = viewChild<ElementRef<HTMLInputElement>>('nameInput');

  constructor() {
    const document = inject(DOCUMENT);
    // The field appears once the invite is checked (this card is a lazy chunk, after the page's
    // own focus step): it takes focus then, unless the person put focus somewhere.
    // And again after a refused join: the field was disabled while it was under way.
    afterRenderEffect(() => {
      this.pending();
      const input = this.nameInput()?.nativeElement;
      const active = document.activeElement;
      if (input && !input.disabled && (!active || active === document.body)) input.focus();
    });
  }

  protected submit(event: Event): void {
    event.preventDefault();
    if (this.canJoin()) this.join.emit(this.name());
  }
}
