import { BackgroundEffect, ProcessedTrack } from '@duet/web/rtc';
import { Compositor } from './compositor';
import { SelfieSegmenter } from './selfie-segmenter';

/** The frame rate of the canvas fallback's output (the camera's own rate where frames are pushed). */
const FALLBACK_FPS = 30;

interface TrackProcessorInit {
  track: MediaStreamTrack;
  maxBufferSize?: number;
}
type VideoTrackGenerator = MediaStreamTrack & { writable: WritableStream<VideoFrame> };
interface InsertableStreams {
  MediaStreamTrackProcessor: new (init: TrackProcessorInit) => { readable: ReadableStream<VideoFrame> };
  MediaStreamTrackGenerator: new (init: { kind: 'video' }) => VideoTrackGenerator;
}

/**
 * The camera with its background blurred or replaced by Duet's image. Chromium: the raw track's
 * frames are pulled from a MediaStreamTrackProcessor and pushed, composited, into a
 * MediaStreamTrackGenerator (a frame is read only when the last one is done, so a slow machine
 * drops frames rather than queueing them). Elsewhere (Firefox): a video element plays the raw track
 * and each new frame is drawn into a canvas whose captureStream is the track. MediaPipe's graph
 * itself needs the page's WebGL and DOM, so it runs on the main thread either way.
 */
export async function replaceBackground(
  track: MediaStreamTrack,
  effect: Exclude<BackgroundEffect, 'none'>,
  baseUrl: string,
  failed: () => void,
): Promise<ProcessedTrack> {
  const [segmenter, background] = await Promise.all([SelfieSegmenter.open(baseUrl), effect === 'blur' ? 'blur' as const : loadImage(`${baseUrl}background.png`)]);
  try {
    const compositor = new Compositor(segmenter, background, failed);
    const streams = globalThis as unknown as Partial<InsertableStreams>;
    const pipeline = streams.MediaStreamTrackProcessor && streams.MediaStreamTrackGenerator
      ? insertableStreamsPipeline(track, compositor, streams as InsertableStreams)
      : await canvasPipeline(track, compositor);
    return {
      track: pipeline.track,
      dispose: () => {
        pipeline.stop();
        segmenter.close();
      },
    };
  } catch (error) {
    segmenter.close();
    throw error;
  }
}

interface Pipeline {
  track: MediaStreamTrack;
  stop(): void;
}

function insertableStreamsPipeline(track: MediaStreamTrack, compositor: Compositor, streams: InsertableStreams): Pipeline {
  const reader = new streams.MediaStreamTrackProcessor({ track, maxBufferSize: 1 }).readable.getReader();
  const generator = new streams.MediaStreamTrackGenerator({ kind: 'video' });
  const writer = generator.writable.getWriter();
  const input = document.createElement('canvas');
  const inputContext = input.getContext('2d');
  let stopped = false;
  const pump = async () => {
    while (!stopped) {
      const { value: frame, done } = await reader.read();
      if (done || !frame) return;
      try {
        input.width = frame.displayWidth;
        input.height = frame.displayHeight;
        inputContext?.drawImage(frame, 0, 0);
        await compositor.draw(input, input.width, input.height);
        if (!stopped) await writer.write(new VideoFrame(compositor.canvas, { timestamp: frame.timestamp }));
      } finally {
        frame.close();
      }
    }
  };
  void pump().catch(() => undefined);
  return {
    track: generator,
    stop: () => {
      stopped = true;
      void reader.cancel().catch(() => undefined);
      void writer.close().catch(() => undefined);
      generator.stop();
    },
  };
}

async function canvasPipeline(track: MediaStreamTrack, compositor: Compositor): Promise<Pipeline> {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  await video.play();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let callback: number | undefined;
  const next = () => {
    if (stopped) return;
    // requestVideoFrameCallback runs once per new camera frame; without it, at the output's rate.
    if ('requestVideoFrameCallback' in video) callback = video.requestVideoFrameCallback(() => void frame());
    else timer = setTimeout(() => void frame(), 1_000 / FALLBACK_FPS);
  };
  const frame = async () => {
    await compositor.draw(video, video.videoWidth, video.videoHeight).catch(() => undefined);
    next();
  };
  // The first frame sizes the canvas before its stream is taken.
  await compositor.draw(video, video.videoWidth, video.videoHeight);
  const output = compositor.canvas.captureStream(FALLBACK_FPS).getVideoTracks()[0];
  next();
  return {
    track: output,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      if (callback !== undefined) video.cancelVideoFrameCallback(callback);
      video.pause();
      video.srcObject = null;
      output.stop();
    },
  };
}

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error(`background image ${url} did not load`));
    image.src = url;
  });
}
