import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { LowBandwidthService } from './low-bandwidth.service';
import { LOW_BANDWIDTH_WORDS } from './low-bandwidth-words';

/** The low-bandwidth mode's words and buttons, in a row of their own (it covers nothing). */
@Component({
  selector: 'duet-low-bandwidth-notice',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let shown = notice();
    @if (shown) {
      <div data-testid="low-bandwidth-notice" class="notice" role="status">
        @if (shown.kind === 'offer') {
          <p>{{ words.offer }}</p>
          <button type="button" class="primary" (click)="turnVideoOff()">{{ words.accept }}</button>
          <button type="button" (click)="keepVideo()">{{ words.dismiss }}</button>
        } @else {
          <p>{{ shown.auto ? words.videoOffByItself : words.videoOff }}</p>
          <button type="button" class="primary" data-testid="video-restore-button" (click)="restoreVideo()">{{ words.restore }}</button>
        }
      </div>
    }
  `,
  styles: `
    .notice {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.5rem;
      margin: 0.3rem 0.5rem 0;
      padding: 0.5rem 0.75rem;
      border: 1px solid #e0b13a;
      border-radius: 10px;
      /* On the call's dark stage, in the quality indicator's "fair" amber. */
      background: #2a2312;
      color: #fff;
    }
    p { margin: 0; flex: 1 1 14rem; }
    button { min-height: 2.75rem; }
  `,
})
export class LowBandwidthNoticeComponent {
  private readonly mode = inject(LowBandwidthService);
  protected readonly notice = this.mode.notice;
  protected readonly words = LOW_BANDWIDTH_WORDS;

  protected turnVideoOff(): void {
    this.mode.turnVideoOff();
  }

  protected keepVideo(): void {
    this.mode.keepVideo();
  }

  protected restoreVideo(): void {
    this.mode.restoreVideo();
  }
}
