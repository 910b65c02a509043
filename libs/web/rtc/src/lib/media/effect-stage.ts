import { signal } from '@angular/core';
import { InputKind } from '../call/call-notice';
import { EffectChoices, MediaEffects, ProcessedTrack, effectOn } from './media-effects';

/** What `EffectStage.apply` settled on: the track to send now, and the processed one it replaces. */
export interface StageResult {
  sent: MediaStreamTrack;
  /** Dispose of it once the new track is on the sender (the swap comes first: no gap). */
  replaced: ProcessedTrack | null;
}

/**
 * One input's processing stage: the raw track in, the processed (or, with the effect off, the raw)
 * track out. Each apply supersedes the one before; a superseded result is disposed of at once.
 */
export class EffectStage {
  private readonly current = signal<ProcessedTrack | null>(null);
  private run = 0;
  /** The processed track being sent, or null (the raw one is). */
  readonly processed = this.current.asReadonly();

  constructor(
    private readonly kind: InputKind,
    private readonly effects: MediaEffects,
    private readonly failed: (kind: InputKind) => void,
  ) {}

  /** Processes `raw` under `choices`; null when a later apply or clear came first. */
  async apply(raw: MediaStreamTrack, choices: EffectChoices): Promise<StageResult | null> {
    const run = ++this.run;
    let next: ProcessedTrack | null = null;
    if (effectOn(this.kind, choices)) {
      try {
        next = await this.start(raw, choices, run);
      } catch {
        if (run === this.run) this.failed(this.kind);
        next = null;
      }
    }
    if (run !== this.run) {
      next?.dispose();
      return null;
    }
    const replaced = this.current();
    this.current.set(next);
    return { sent: next?.track ?? raw, replaced };
  }

  /** Drops the processed track (the raw one stops with it); nothing is sent from here any more. */
  clear(): void {
    this.run += 1;
    this.current()?.dispose();
    this.current.set(null);
  }

  private start(raw: MediaStreamTrack, choices: EffectChoices, run: number): Promise<ProcessedTrack> {
    // An effect that gives up later reports it only while it is still the one being sent.
    const gaveUp = () => {
      if (run === this.run) this.failed(this.kind);
    };
    return this.kind === 'microphone'
      ? this.effects.suppressNoise(raw, gaveUp)
      : this.effects.replaceBackground(raw, choices.background === 'image' ? 'image' : 'blur', gaveUp);
  }
}
