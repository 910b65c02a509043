import { ChangeDetectionStrategy, Component, DestroyRef, computed, effect, inject, input, signal } from '@angular/core';
import { formatDuration } from '../words';

/** How long the call has been connected: `m:ss`, then `h:mm:ss`. */
@Component({
  selector: 'duet-call-timer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (text(); as duration) {
      <time data-testid="call-timer" [attr.aria-label]="'Call duration ' + duration">{{ duration }}</time>
    }
  `,
  styles: `:host { font-variant-numeric: tabular-nums; }`,
})
export class CallTimerComponent {
  /** When the call connected (epoch ms); null hides the timer. */
  readonly since = input<number | null>(null);
  private readonly now = signal(Date.now());
  protected readonly text = computed(() => {
    const since = this.since();
    return since === null ? null : formatDuration(this.now() - since);
  });

  constructor() {
    let timer: ReturnType<typeof setInterval> | null = null;
    const stop = () => {
      if (timer) clearInterval(timer);
      timer = null;
    };
    effect(() => {
      stop();
      if (this.since() === null) return;
      this.now.set(Date.now());
      timer = setInterval(() => this.now.set(Date.now()), 1_000);
    });
    inject(DestroyRef).onDestroy(stop);
  }
}
