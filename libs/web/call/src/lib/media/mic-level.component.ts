import { ChangeDetectionStrategy, Component, DestroyRef, effect, inject, input, signal } from '@angular/core';
import { AUDIO_CONTEXT_FACTORY } from '../alerts/call-alerts.service';

const SAMPLE_EVERY_MS = 100;
/** The quietest level the meter shows; below it reads as silence. */
const FLOOR_DBFS = -60;

/**
 * A sample peak (0..1) as the meter's position: decibels over the last 60 dB, as level meters do.
 * Linear would be wrong for a microphone: after the browser's noise suppression and gain control a
 * voice peaks around -30 to -10 dBFS: 3 to 30 % of a linear bar, which reads as "too quiet".
 */
export function meterLevel(peak: number): number {
  if (!(peak > 0)) return 0;
  const dbfs = 20 * Math.log10(Math.min(1, peak));
  return Math.max(0, (dbfs - FLOOR_DBFS) / -FLOOR_DBFS);
}

/** A live level meter of one microphone track: problems show before the call, not in it. */
@Component({
  selector: 'duet-mic-level',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <meter
      data-testid="mic-level"
      aria-label="Microphone level"
      min="0"
      max="1"
      low="0.25"
      [value]="level()"
    ></meter>
  `,
  styles: `
    :host { display: block; }
    meter { width: 100%; height: 0.75rem; }
  `,
})
export class MicLevelComponent {
  readonly track = input<MediaStreamTrack | null>(null);
  protected readonly level = signal(0);
  private readonly createContext = inject(AUDIO_CONTEXT_FACTORY);
  private stopMetering: (() => void) | null = null;

  constructor() {
    effect(() => this.meter(this.track()));
    inject(DestroyRef).onDestroy(() => this.stopMetering?.());
  }

  private meter(track: MediaStreamTrack | null): void {
    this.stopMetering?.();
    this.stopMetering = null;
    this.level.set(0);
    if (!track) return;
    let context: AudioContext | null = null;
    try {
      context = this.createContext();
    } catch {
      context = null;
    }
    if (!context) return;
    // A context made long after the click that asked for the devices (a slow getUserMedia) may
    // start suspended, and a suspended analyser reads silence: ask for it to run.
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const analyser = context.createAnalyser();
    // A window at least as long as the sampling period, so no sound between two samples is missed
    // (1,024 samples looked at 23 ms of every 100: a sound repeating in step with the timer, like
    // Chromium's fake microphone's beep, could go unseen for half a minute).
    analyser.fftSize = windowCovering(context.sampleRate, SAMPLE_EVERY_MS);
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let peak = 0;
      for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
      // Fast attack, slow release: short sounds stay visible long enough to read.
      this.level.update((previous) => Math.max(meterLevel(peak), previous * 0.7));
    }, SAMPLE_EVERY_MS);
    const audio = context;
    this.stopMetering = () => {
      clearInterval(timer);
      source.disconnect();
      void audio.close().catch(() => undefined);
    };
  }
}

/** The smallest analyser size (a power of two, 32..32768 samples) that spans `periodMs` of audio. */
export function windowCovering(sampleRate: number, periodMs: number): number {
  const samples = (sampleRate * periodMs) / 1_000;
  return Math.min(32_768, Math.max(32, 2 ** Math.ceil(Math.log2(samples))));
}
