import { ChangeDetectionStrategy, Component, inject, input, output, signal } from '@angular/core';
import { CALL_LINK } from '../call-link';

@Component({
  selector: 'duet-call-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="call-form" aria-label="Call someone by name" (submit)="callByName($event)">
      <input
        #calleeInput
        data-testid="callee-input"
        aria-label="Name of the person to call"
        placeholder="Call someone by name"
        autocapitalize="off"
        spellcheck="false"
        [value]="name()"
        (input)="name.set(calleeInput.value)"
      />
      <button
        type="submit"
        class="primary"
        data-testid="call-button"
        aria-label="Call"
        [attr.aria-describedby]="unavailableReason() ? 'call-unavailable' : null"
        [disabled]="disabled() || !name().trim()"
      >
        Call
      </button>
    </form>
    @if (unavailableReason(); as reason) {
      <p id="call-unavailable" class="reason" data-testid="call-unavailable">{{ reason }}</p>
    }
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .call-form { display: flex; gap: 0.5rem; }
    input { flex: 1; min-width: 0; }
    .reason { margin: 0.4rem 0 0; font-size: 0.85rem; color: var(--muted); }
  `,
})
export class CallFormComponent {
  readonly disabled = input(false);
  /** Why calling is not possible right now (offline), shown under the form; null when it is. */
  readonly unavailableReason = input<string | null>(null);
  readonly callUser = output<string>();
  /** Empty, or the callee of the call link (`/call/<name>`) the page was opened with. */
  protected readonly name = signal(inject(CALL_LINK)?.take() ?? '');

  protected callByName(event: Event): void {
    event.preventDefault();
    const name = this.name().trim();
    if (name && !this.disabled()) this.callUser.emit(name);
  }
}
