import { effectSupport } from './provide-media-effects';

class FakeCanvas {
  captureStream(): void {
    // a canvas that can be streamed
  }
}

describe('effectSupport', () => {
  it('offers noise suppression with an AudioWorklet and WebAssembly, the background with a canvas stream', () => {
    const scope = { WebAssembly: {}, AudioWorkletNode: class {}, HTMLCanvasElement: FakeCanvas } as unknown as typeof globalThis;
    expect(effectSupport(scope)).toEqual({ noiseSuppression: true, background: true });
  });

  it('offers the background with insertable streams alone, and nothing without WebAssembly', () => {
    const streams = { MediaStreamTrackProcessor: class {}, MediaStreamTrackGenerator: class {} };
    expect(effectSupport({ WebAssembly: {}, ...streams } as unknown as typeof globalThis)).toEqual({ noiseSuppression: false, background: true });
    const noWasm = { AudioWorkletNode: class {}, HTMLCanvasElement: FakeCanvas, ...streams } as unknown as typeof globalThis;
    expect(effectSupport(noWasm)).toEqual({ noiseSuppression: false, background: false });
  });
});
