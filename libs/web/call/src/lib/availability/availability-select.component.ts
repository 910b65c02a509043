import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { Availability, isGuestUsername } from '@duet/shared/protocol';
import { AvailabilityService } from '@duet/web/rtc';
import { AVAILABILITY_LABELS, DND_HINT } from '../words';

/**
 * The member's availability chooser (`availability-select`), and while it says do not disturb a
 * reminder that calls are declined. Guests have no availability: nothing shows for them.
 */
@Component({
  selector: 'duet-availability-select',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (!guest()) {
      <select data-testid="availability-select" aria-label="Your availability" [value]="availability()" (change)="choose($event)">
        @for (option of options; track option.value) {
          <option [value]="option.value" [selected]="option.value === availability()">{{ option.label }}</option>
        }
      </select>
      @if (availability() === 'dnd') {
        <span class="dnd-hint" data-testid="dnd-hint" role="status">{{ dndHint }}</span>
      }
    }
  `,
  styles: `
    :host { display: contents; }
    /* The page's input look (styles.css), a little smaller: it sits in a row of text. */
    select { font-size: 0.85rem; padding: 0.3rem 0.5rem; min-height: 2.25rem; max-width: 100%; }
    .dnd-hint { padding: 0.1rem 0.6rem; border-radius: 999px; background: var(--warn-bg); color: var(--warn-fg); font-size: 0.8rem; }
  `,
})
export class AvailabilitySelectComponent {
  private readonly service = inject(AvailabilityService);
  /** Who is logged in: a guest gets no chooser. */
  readonly user = input.required<string>();

  protected readonly guest = computed(() => isGuestUsername(this.user()));
  protected readonly availability = this.service.availability;
  protected readonly dndHint = DND_HINT;
  protected readonly options = (Object.keys(AVAILABILITY_LABELS) as Availability[]).map((value) => ({ value, label: AVAILABILITY_LABELS[value] }));

  protected choose(event: Event): void {
    this.service.choose((event.target as HTMLSelectElement).value as Availability);
  }
}
