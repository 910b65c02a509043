import { ChangeDetectionStrategy, Component, DestroyRef, effect, inject, input, signal } from '@angular/core';
import { AUDIO_CONTEXT_FACTORY } from '../alerts/call-alerts.service';

const SAMPLE_EVERY_MS = 100;

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
      low="0.05"
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
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let peak = 0;
      for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
      // Fast attack, slow release: short sounds stay visible long enough to read.
      this.level.update((previous) => Math.max(Math.min(1, peak), previous * 0.7));
    }, SAMPLE_EVERY_MS);
    const audio = context;
    this.stopMetering = () => {
      clearInterval(timer);
      source.disconnect();
      void audio.close().catch(() => undefined);
    };
  }
}
