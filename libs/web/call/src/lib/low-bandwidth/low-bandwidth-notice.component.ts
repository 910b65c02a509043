import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { LowBandwidthService } from './low-bandwidth.service';
import {
  LOW_BANDWIDTH_OFFER,
  LOW_BANDWIDTH_OFFER_ACCEPT,
  LOW_BANDWIDTH_OFFER_DISMISS,
  LOW_BANDWIDTH_VIDEO_OFF,
  LOW_BANDWIDTH_VIDEO_OFF_AUTO,
  VIDEO_RESTORE,
} from './low-bandwidth-words';

/** The low-bandwidth mode's words and buttons, in a row of their own (it covers nothing). */
@Component({
  selector: 'duet-low-bandwidth-notice',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let shown = notice();
    @if (shown) {
      <div data-testid="low-bandwidth-notice" class="notice" role="status">
        @if (shown.kind === 'offer') {
          <p>{{ offerText }}</p>
          <button type="button" class="primary" (click)="turnVideoOff()">{{ acceptText }}</button>
          <button type="button" (click)="keepVideo()">{{ dismissText }}</button>
        } @else {
          <p>{{ shown.auto ? videoOffAutoText : videoOffText }}</p>
          <button type="button" class="primary" data-testid="video-restore-button" (click)="restoreVideo()">{{ restoreText }}</button>
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
  protected readonly offerText = LOW_BANDWIDTH_OFFER;
  protected readonly acceptText = LOW_BANDWIDTH_OFFER_ACCEPT;
  protected readonly dismissText = LOW_BANDWIDTH_OFFER_DISMISS;
  protected readonly videoOffText = LOW_BANDWIDTH_VIDEO_OFF;
  protected readonly videoOffAutoText = LOW_BANDWIDTH_VIDEO_OFF_AUTO;
  protected readonly restoreText = VIDEO_RESTORE;

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
