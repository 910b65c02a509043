import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { missedCallsLabel } from '../accounts-words';
import { CallHistoryStore } from './call-history.store';

/**
 * "2 missed calls": missed incoming calls since the user last opened the history. Pressing it opens
 * the history (which clears it) and takes focus there.
 */
@Component({
  selector: 'duet-missed-calls',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (count() > 0) {
      <button type="button" class="badge" data-testid="missed-call" (click)="openHistory()">
        {{ label() }}
      </button>
    }
  `,
  styles: `
    :host { display: contents; }
    .badge {
      min-height: 2.25rem;
      padding: 0.2rem 0.8rem;
      border-radius: 999px;
      font-size: 0.85rem;
      background: var(--warn-bg);
      color: var(--warn-fg);
      border: 1px solid var(--warn-border);
    }
  `,
})
export class MissedCallsBadgeComponent {
  private readonly store = inject(CallHistoryStore);
  protected readonly count = this.store.missedCount;
  protected readonly label = computed(() => missedCallsLabel(this.count()));

  protected openHistory(): void {
    this.store.requestReveal();
  }
}
