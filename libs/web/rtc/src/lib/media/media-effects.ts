import { InjectionToken } from '@angular/core';
import { InputKind } from '../call/call-notice';
import { readPreference } from './preference-storage';

/** What replaces the camera's background: nothing, a blur, or Duet's bundled image. */
export type BackgroundEffect = 'none' | 'blur' | 'image';
export const BACKGROUND_EFFECTS: readonly BackgroundEffect[] = ['none', 'blur', 'image'];

export interface EffectChoices {
  noiseSuppression: boolean;
  background: BackgroundEffect;
}

/** What this browser can run; an effect it cannot run is not offered. */
export interface EffectSupport {
  noiseSuppression: boolean;
  background: boolean;
}

/** A processed track and the worklet, worker or AudioContext behind it, released by `dispose`. */
export interface ProcessedTrack {
  readonly track: MediaStreamTrack;
  dispose(): void;
}

/**
 * The processing stage between a raw camera or microphone track and what is previewed and sent.
 * `failed` is called when a running effect gives up (it cannot keep up, or its model broke): the
 * raw track is sent again and the user is told.
 */
export interface MediaEffects {
  readonly support: EffectSupport;
  suppressNoise(track: MediaStreamTrack, failed: () => void): Promise<ProcessedTrack>;
  replaceBackground(track: MediaStreamTrack, effect: Exclude<BackgroundEffect, 'none'>, failed: () => void): Promise<ProcessedTrack>;
}

/** The default: nothing supported, nothing loaded (apps that want effects provide `@duet/web/effects`). */
export const NO_MEDIA_EFFECTS: MediaEffects = {
  support: { noiseSuppression: false, background: false },
  suppressNoise: () => Promise.reject(new Error('no media effects provided')),
  replaceBackground: () => Promise.reject(new Error('no media effects provided')),
};

export const MEDIA_EFFECTS = new InjectionToken<MediaEffects>('MEDIA_EFFECTS', {
  providedIn: 'root',
  factory: () => NO_MEDIA_EFFECTS,
});

export const EFFECT_CHOICES_KEY = 'duet.effects';

/** The remembered choices; noise suppression is on by default wherever it can run. */
export function loadEffectChoices(storage: Storage | null, support: EffectSupport): EffectChoices {
  const defaults: EffectChoices = { noiseSuppression: support.noiseSuppression, background: 'none' };
  try {
    const saved = JSON.parse(readPreference(storage, EFFECT_CHOICES_KEY) ?? 'null') as Partial<EffectChoices> | null;
    if (!saved || typeof saved !== 'object') return defaults;
    return {
      noiseSuppression: support.noiseSuppression && (typeof saved.noiseSuppression === 'boolean' ? saved.noiseSuppression : true),
      background: support.background && BACKGROUND_EFFECTS.includes(saved.background as BackgroundEffect) ? (saved.background as BackgroundEffect) : 'none',
    };
  } catch {
    return defaults;
  }
}

/** Whether `kind`'s track is processed under `choices`. */
export function effectOn(kind: InputKind, choices: EffectChoices): boolean {
  return kind === 'microphone' ? choices.noiseSuppression : choices.background !== 'none';
}
