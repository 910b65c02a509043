import { Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import { VideoLimits } from '../engine/sender-preference';
import { SignalingClient } from '../signaling/signaling-client.service';
import { LocalMediaService } from './local-media.service';
import { PREFERENCE_STORAGE, readPreference, writePreference } from './preference-storage';

/** Where the data saver choice is remembered (localStorage): `on`, or nothing. */
export const DATA_SAVER_KEY = 'duet.dataSaver';

/**
 * What the data saver sends at most: a quarter of the pixels (640×480 becomes 320×240) at
 * 250 kbit/s, a picture that stays recognisable on a mobile connection and costs about a tenth of
 * what Chromium spends on a camera by itself (2.5 Mbit/s at most).
 */
export const DATA_SAVER_VIDEO_KBPS = 250;
export const DATA_SAVER_SCALE_DOWN = 2;

/** The video limits for an operator cap (kbit/s; undefined: none) and the data saver: the lower cap wins. */
export function videoLimitsFor(operatorCapKbps: number | undefined, dataSaver: boolean): VideoLimits {
  const caps = [operatorCapKbps, dataSaver ? DATA_SAVER_VIDEO_KBPS : undefined].filter((cap) => cap !== undefined);
  return {
    ...(caps.length > 0 && { maxBitrate: Math.min(...caps) * 1_000 }),
    ...(dataSaver && { scaleResolutionDownBy: DATA_SAVER_SCALE_DOWN }),
  };
}

/**
 * How much video this side may send: the operator's cap (`maxVideoBitrateKbps` at login), the
 * person's data saver choice (remembered here), and the low-bandwidth mode's "video off to keep the
 * sound". Video turned off for bandwidth stays off until the person turns it back on (`restoreVideo`,
 * or the camera button): the mode never turns it on by itself, so it cannot flap with the network.
 */
@Injectable({ providedIn: 'root' })
export class DataSaverService {
  private readonly storage = inject(PREFERENCE_STORAGE);
  private readonly media = inject(LocalMediaService);
  private readonly signaling = inject(SignalingClient);
  private readonly dataSaverState = signal(readPreference(this.storage, DATA_SAVER_KEY) === 'on');
  private readonly videoOffForBandwidthState = signal(false);

  /** Less video from the start, and video off by itself when the connection stays poor. */
  readonly dataSaver = this.dataSaverState.asReadonly();
  /** Our video is off because the connection was too weak (until the person turns it back on). */
  readonly videoOffForBandwidth = this.videoOffForBandwidthState.asReadonly();
  readonly operatorCapKbps = computed(() => this.signaling.session()?.maxVideoBitrateKbps);
  /** What the video sender may spend now. */
  readonly videoLimits = computed(() => videoLimitsFor(this.operatorCapKbps(), this.dataSaver()), {
    equal: (a, b) => a.maxBitrate === b.maxBitrate && a.scaleResolutionDownBy === b.scaleResolutionDownBy,
  });

  constructor() {
    // The camera came back on another way (the camera button, a new call): nothing is off for bandwidth any more.
    effect(() => {
      if (!this.media.cameraOff()) untracked(() => this.videoOffForBandwidthState.set(false));
    });
  }

  setDataSaver(on: boolean): void {
    this.dataSaverState.set(on);
    writePreference(this.storage, DATA_SAVER_KEY, on ? 'on' : null);
  }

  /** Turns our video off to keep the sound; the other side is told why (media-state `cameraOffReason`). */
  async turnVideoOffForBandwidth(): Promise<void> {
    if (this.media.cameraOff()) return;
    this.videoOffForBandwidthState.set(true);
    await this.media.setCameraOff(true);
  }

  /** One click: the camera back on, and the mode stands down. */
  async restoreVideo(): Promise<void> {
    this.videoOffForBandwidthState.set(false);
    await this.media.setCameraOff(false);
  }
}
