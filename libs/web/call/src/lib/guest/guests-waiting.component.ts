import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { displayNameOf } from '@duet/shared/protocol';
import { guestWaiting } from './guest-words';

/** A member's guests who are online (issue 25): "<name> (guest) is waiting", and a button to call each. */
@Component({
  selector: 'duet-guests-waiting',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (guests().length > 0) {
      <ul class="waiting" aria-label="Your guests">
        @for (guest of guests(); track guest) {
          <li data-testid="guest-waiting">
            <span class="who">{{ waiting(guest) }}</span>
            <button type="button" class="primary" [disabled]="disabled()" (click)="callUser.emit(guest)">
              Call {{ displayName(guest) }}
            </button>
          </li>
        }
      </ul>
    }
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .waiting { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
    li {
      display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5rem;
      padding: 0.6rem 0.8rem; border-radius: var(--radius); border: 2px solid var(--ok); background: var(--surface);
    }
    .who { font-weight: 600; overflow-wrap: anywhere; min-width: 0; }
  `,
})
export class GuestsWaitingComponent {
  /** Online guests' wire names. */
  readonly guests = input<readonly string[]>([]);
  readonly disabled = input(false);
  readonly callUser = output<string>();
  protected readonly waiting = guestWaiting;
  protected readonly displayName = displayNameOf;
}
