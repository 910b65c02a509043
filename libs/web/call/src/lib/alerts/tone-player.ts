/** One repeating cadence: tones (Hz, mixed) on for `onMs`, then silence until `periodMs`. */
export interface Cadence {
  frequencies: readonly number[];
  /** Bursts within one period, e.g. two short rings. */
  bursts: readonly { atMs: number; onMs: number }[];
  periodMs: number;
}

/** A two-burst "ring-ring", clearly not the phone-network ringback below. */
export const RINGTONE: Cadence = {
  frequencies: [660, 880],
  bursts: [
    { atMs: 0, onMs: 400 },
    { atMs: 600, onMs: 400 },
  ],
  periodMs: 3_000,
};

/** The ringback a caller hears (ITU-T E.180 style: 440 + 480 Hz, 2 s on, 4 s off). */
export const RINGBACK: Cadence = {
  frequencies: [440, 480],
  bursts: [{ atMs: 0, onMs: 2_000 }],
  periodMs: 6_000,
};

const VOLUME = 0.08;
const RAMP_S = 0.02;

/**
 * Plays a cadence with Web Audio oscillators: no audio files in the bundle. Each period is
 * scheduled on the audio clock when it starts, so timer jitter never clips a burst.
 */
export class TonePlayer {
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly voices = new Set<OscillatorNode>();

  constructor(private readonly createContext: () => AudioContext | null) {}

  /**
   * Creates (or resumes) the audio context. Browsers only let it run after a user gesture, so this
   * is called from one (the log-in click); a ring later may then sound without one.
   */
  unlock(): void {
    const context = this.ensureContext();
    if (context?.state === 'suspended') void context.resume().catch(() => undefined);
  }

  play(cadence: Cadence): void {
    this.stop();
    const context = this.ensureContext();
    if (!context) return;
    if (context.state === 'suspended') void context.resume().catch(() => undefined);
    this.schedulePeriod(context, cadence);
    this.timer = setInterval(() => this.schedulePeriod(context, cadence), cadence.periodMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const voice of this.voices) {
      try {
        voice.stop();
      } catch {
        // Already stopped.
      }
    }
    this.voices.clear();
  }

  /** Stops and lets go of the audio device. */
  dispose(): void {
    this.stop();
    void this.context?.close().catch(() => undefined);
    this.context = null;
  }

  private ensureContext(): AudioContext | null {
    if (!this.context) {
      try {
        this.context = this.createContext();
      } catch {
        this.context = null; // no Web Audio here: calls still ring visibly
      }
    }
    return this.context;
  }

  private schedulePeriod(context: AudioContext, cadence: Cadence): void {
    const start = context.currentTime + 0.05;
    for (const burst of cadence.bursts) {
      const on = start + burst.atMs / 1_000;
      const off = on + burst.onMs / 1_000;
      const gain = context.createGain();
      gain.gain.setValueAtTime(0, on);
      // Short ramps: a hard on/off clicks.
      gain.gain.linearRampToValueAtTime(VOLUME, on + RAMP_S);
      gain.gain.setValueAtTime(VOLUME, off - RAMP_S);
      gain.gain.linearRampToValueAtTime(0, off);
      gain.connect(context.destination);
      for (const frequency of cadence.frequencies) {
        const oscillator = context.createOscillator();
        oscillator.frequency.value = frequency;
        oscillator.connect(gain);
        oscillator.onended = () => {
          this.voices.delete(oscillator);
          oscillator.disconnect();
        };
        oscillator.start(on);
        oscillator.stop(off);
        this.voices.add(oscillator);
      }
    }
  }
}
