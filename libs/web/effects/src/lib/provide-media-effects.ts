import { Provider } from '@angular/core';
import { BackgroundEffect, EffectSupport, MEDIA_EFFECTS, MediaEffects, ProcessedTrack } from '@duet/web/rtc';

/** Where the app's build puts the worklet, wasm, model and background image (apps/web/project.json assets). */
export const EFFECTS_BASE_URL = '/effects/';

/** What this browser can run: an AudioWorklet for RNNoise; WebAssembly and a canvas stream for the background. */
export function effectSupport(scope: typeof globalThis = globalThis): EffectSupport {
  const wasm = typeof scope.WebAssembly === 'object';
  const canvasStream = typeof scope.HTMLCanvasElement === 'function' && 'captureStream' in scope.HTMLCanvasElement.prototype;
  const insertableStreams = 'MediaStreamTrackProcessor' in scope && 'MediaStreamTrackGenerator' in scope;
  return {
    noiseSuppression: wasm && typeof scope.AudioWorkletNode === 'function',
    background: wasm && (canvasStream || insertableStreams),
  };
}

/** Loads each effect's code (a lazy chunk) the first time it is turned on. */
export class LazyMediaEffects implements MediaEffects {
  readonly support = effectSupport();

  constructor(private readonly baseUrl = EFFECTS_BASE_URL) {}

  async suppressNoise(track: MediaStreamTrack, failed: () => void): Promise<ProcessedTrack> {
    const { suppressNoise } = await import('./noise-suppression');
    return suppressNoise(track, this.baseUrl, failed);
  }

  async replaceBackground(track: MediaStreamTrack, effect: Exclude<BackgroundEffect, 'none'>, failed: () => void): Promise<ProcessedTrack> {
    const { replaceBackground } = await import('./background/replace-background');
    return replaceBackground(track, effect, this.baseUrl, failed);
  }
}

/** Noise suppression and background blur/image for `LocalMediaService` (`MEDIA_EFFECTS`). */
export function provideMediaEffects(baseUrl = EFFECTS_BASE_URL): Provider {
  return { provide: MEDIA_EFFECTS, useFactory: () => new LazyMediaEffects(baseUrl) };
}
