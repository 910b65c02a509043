import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { DataSaverService } from '@duet/web/rtc';

/** The per-user data saver choice (remembered on this device): less video, and video off by itself on a weak connection. */
@Component({
  selector: 'duet-data-saver-toggle',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <button
      type="button"
      data-testid="data-saver-toggle"
      [attr.aria-pressed]="dataSaver()"
      aria-describedby="data-saver-hint"
      (click)="toggle()"
    >
      Data saver: {{ dataSaver() ? 'on' : 'off' }}
    </button>
    <span id="data-saver-hint" class="hint">Sends a smaller picture, and turns your video off by itself when the connection stays weak.</span>
  `,
  styles: `
    :host { display: grid; gap: 0.2rem; }
    button { justify-self: start; min-height: 2.75rem; }
    .hint { font-size: 0.85rem; color: var(--muted); }
  `,
})
export class DataSaverToggleComponent {
  private readonly saver = inject(DataSaverService);
  protected readonly dataSaver = this.saver.dataSaver;

  protected toggle(): void {
    this.saver.setDataSaver(!this.dataSaver());
  }
}
