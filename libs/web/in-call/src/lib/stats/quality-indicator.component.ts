import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { CallStatsService } from './call-stats.service';
import { qualitySentence } from './stats-words';

/**
 * Good, fair or poor at a glance, with the reason in words; nothing until the call has a reading.
 * Its slot is one line whatever it says (the whole sentence is its title and in the stats panel):
 * on a phone a longer reason, or the first reading, must not wrap the call's top row and move the
 * video under the person's eyes.
 */
@Component({
  selector: 'duet-quality-indicator',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (verdict(); as verdict) {
      <span data-testid="quality-indicator" class="indicator" [attr.data-quality]="verdict.quality" [title]="sentence()">
        <span class="dot" aria-hidden="true"></span><span class="words">{{ sentence() }}</span>
      </span>
    }
  `,
  styles: `
    /* Grows into the row's free space; wraps to a line of its own only by the row's width, never by its words. */
    :host { display: block; flex: 1 1 0; min-width: min(100%, 11rem); height: 1.5em; line-height: 1.5em; font-size: 0.8rem; overflow: hidden; }
    .indicator { display: flex; align-items: center; gap: 0.35rem; min-width: 0; }
    .words { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
    .dot { flex: none; width: 0.6rem; height: 0.6rem; border-radius: 50%; background: #3fb96b; }
    [data-quality='fair'] .dot { background: #e0b13a; }
    [data-quality='poor'] .dot { background: #e5534b; }
  `,
})
export class QualityIndicatorComponent {
  protected readonly verdict = inject(CallStatsService).verdict;
  protected readonly sentence = computed(() => {
    const verdict = this.verdict();
    return verdict ? qualitySentence(verdict) : '';
  });
}
