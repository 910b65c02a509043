import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { CallStatsService } from '@duet/web/rtc';
import { qualitySentence } from '../words';

/** Good, fair or poor at a glance, with the reason in words; nothing until the call has a reading. */
@Component({
  selector: 'duet-quality-indicator',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (verdict(); as verdict) {
      <span data-testid="quality-indicator" class="indicator" [attr.data-quality]="verdict.quality" [title]="sentence()">
        <span class="dot" aria-hidden="true"></span>{{ sentence() }}
      </span>
    }
  `,
  styles: `
    :host { display: inline-block; font-size: 0.8rem; }
    .indicator { display: inline-flex; align-items: center; gap: 0.35rem; }
    .dot { width: 0.6rem; height: 0.6rem; border-radius: 50%; background: #3fb96b; }
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
