import { RnnoiseWorkletNode, loadRnnoise } from '@sapphi-red/web-noise-suppressor';
import { ProcessedTrack } from '@duet/web/rtc';
import { resumeOnGesture } from './resume-on-gesture';

/** RNNoise works on 48 kHz audio in 10 ms frames. */
const SAMPLE_RATE = 48_000;
let wasmBinary: Promise<ArrayBuffer> | null = null;

/**
 * The microphone through RNNoise (wasm in an AudioWorklet): a new track from a
 * MediaStreamAudioDestinationNode. `dispose` tears the graph and its AudioContext down; the raw
 * track is left alone (LocalMediaService owns it).
 */
export async function suppressNoise(track: MediaStreamTrack, baseUrl: string, failed: () => void): Promise<ProcessedTrack> {
  wasmBinary ??= loadRnnoise({ url: `${baseUrl}noise/rnnoise.wasm`, simdUrl: `${baseUrl}noise/rnnoise_simd.wasm` }).catch((error) => {
    wasmBinary = null;
    throw error;
  });
  const context = openContext(track);
  try {
    await context.audioWorklet.addModule(`${baseUrl}noise/rnnoise/workletProcessor.js`);
    const node = new RnnoiseWorkletNode(context, { wasmBinary: await wasmBinary, maxChannels: 1 });
    const source = context.createMediaStreamSource(new MediaStream([track]));
    const destination = context.createMediaStreamDestination();
    source.connect(node).connect(destination);
    node.addEventListener('processorerror', () => failed());
    const stopResuming = resumeOnGesture(context);
    const output = destination.stream.getAudioTracks()[0];
    return {
      track: output,
      dispose: () => {
        stopResuming();
        source.disconnect();
        node.disconnect();
        node.destroy();
        output.stop();
        void context.close();
      },
    };
  } catch (error) {
    void context.close();
    throw error;
  }
}

/**
 * A 48 kHz context where the microphone's rate allows it: Firefox refuses to connect a track of
 * another rate to a context (its fake and many real microphones are 44.1 kHz), so there the
 * context takes the track's rate.
 */
function openContext(track: MediaStreamTrack): AudioContext {
  const rate = track.getSettings?.().sampleRate;
  return new AudioContext({ sampleRate: rate && rate !== SAMPLE_RATE && isFirefox() ? rate : SAMPLE_RATE });
}

function isFirefox(): boolean {
  return typeof navigator !== 'undefined' && /firefox/i.test(navigator.userAgent);
}
