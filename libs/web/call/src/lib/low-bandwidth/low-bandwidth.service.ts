import { DestroyRef, Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import { CallStatsService } from '@duet/web/in-call';
import { DataSaverService, LocalMediaService } from '@duet/web/rtc';
import { PoorStreak } from './poor-streak';

/**
 * What the low-bandwidth notice shows: the offer to turn video off, or that it is off (`auto`: the
 * data saver did it) with the one click that brings it back; null: nothing to say.
 */
export type LowBandwidthNotice = { kind: 'offer' } | { kind: 'video-off'; auto: boolean } | null;

/**
 * The low-bandwidth mode: when the call-quality verdict stays `poor` for 10 s (PoorStreak), it
 * offers to turn our video off to keep the sound, or, with the data saver on, turns it off and says
 * so. Audio never stops. The video stays off until the person turns it back on (DataSaverService),
 * and an offer they turned down is not made again in that call: the mode never flaps with the network.
 */
@Injectable({ providedIn: 'root' })
export class LowBandwidthService {
  private readonly stats = inject(CallStatsService);
  private readonly saver = inject(DataSaverService);
  private readonly media = inject(LocalMediaService);
  private readonly streak = new PoorStreak(() => this.weakForLong());
  private readonly offer = signal<'none' | 'offered' | 'declined'>('none');
  private readonly turnedOffByItself = signal(false);

  readonly notice = computed<LowBandwidthNotice>(() => {
    if (this.saver.videoOffForBandwidth()) return { kind: 'video-off', auto: this.turnedOffByItself() };
    return this.offer() === 'offered' && !this.media.cameraOff() ? { kind: 'offer' } : null;
  });

  constructor() {
    effect(() => {
      const verdict = this.stats.verdict();
      untracked(() => {
        // No verdict: the call ended (or has not started): the next one starts afresh.
        if (verdict === null) this.offer.set('none');
        this.streak.observe(verdict?.quality ?? null);
      });
    });
    inject(DestroyRef).onDestroy(() => this.streak.stop());
  }

  /** The person took the offer. */
  turnVideoOff(): void {
    this.offer.set('none');
    this.turnedOffByItself.set(false);
    void this.saver.turnVideoOffForBandwidth();
  }

  /** The person keeps their video: not asked again in this call. */
  keepVideo(): void {
    this.offer.set('declined');
  }

  /** One click: video back on. */
  restoreVideo(): void {
    void this.saver.restoreVideo();
  }

  private weakForLong(): void {
    // Nothing to save (video already off), or already asked.
    if (this.media.cameraOff() || this.offer() !== 'none') return;
    if (this.saver.dataSaver()) {
      this.turnedOffByItself.set(true);
      void this.saver.turnVideoOffForBandwidth();
    } else {
      this.offer.set('offered');
    }
  }
}
