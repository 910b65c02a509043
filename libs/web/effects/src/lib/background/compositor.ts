import { SelfieSegmenter } from './selfie-segmenter';

/** Under 15 frames a second the effect is too slow to be worth it. */
const FRAME_BUDGET_MS = 1_000 / 15;
/** How long frames may stay over budget (or failing), every one of them, before stepping down. */
const PATIENCE_MS = 5_000;
/** Scales the output steps down through before giving up. */
const SCALES = [1, 0.5];

/**
 * Draws each frame with its background blurred or replaced: the person (the mask) over the
 * background. Frames that take too long (under 15 fps) for 5 s in a row first halve the resolution; if
 * that is still too slow for another 5 s (or segmentation keeps failing) `failed` is called once,
 * and the stage sends the raw camera (the user is told).
 */
export class Compositor {
  readonly canvas = document.createElement('canvas');
  private readonly context: CanvasRenderingContext2D;
  private scaleStep = 0;
  /** Since when every frame was over budget or failed (null: the last one was fine). */
  private troubleSince: number | null = null;
  private gaveUp = false;

  constructor(
    private readonly segmenter: SelfieSegmenter,
    private readonly background: HTMLImageElement | 'blur',
    private readonly failed: () => void,
  ) {
    const context = this.canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas');
    this.context = context;
  }

  /** Draws one frame of `source` (`width`×`height`, as it is) onto the canvas. */
  async draw(source: HTMLCanvasElement | HTMLVideoElement, width: number, height: number): Promise<void> {
    if (this.gaveUp || width === 0 || height === 0) return;
    const started = performance.now();
    const scale = SCALES[this.scaleStep];
    const w = Math.round(width * scale);
    const h = Math.round(height * scale);
    if (this.canvas.width !== w || this.canvas.height !== h) {
      this.canvas.width = w;
      this.canvas.height = h;
    }
    let mask: CanvasImageSource;
    try {
      mask = await this.segmenter.segment(source);
    } catch {
      this.judge(started, true);
      return;
    }
    const context = this.context;
    context.save();
    context.clearRect(0, 0, w, h);
    context.drawImage(mask, 0, 0, w, h);
    // Keep the frame where the mask is (the person)...
    context.globalCompositeOperation = 'source-in';
    context.drawImage(source, 0, 0, w, h);
    // ...and draw the background behind it.
    context.globalCompositeOperation = 'destination-over';
    if (this.background === 'blur') {
      context.filter = `blur(${Math.max(4, Math.round(w / 40))}px)`;
      context.drawImage(source, 0, 0, w, h);
    } else {
      drawCover(context, this.background, w, h);
    }
    context.restore();
    this.judge(started, performance.now() - started > FRAME_BUDGET_MS);
  }

  /** Too slow or failing for PATIENCE_MS: a lower resolution, or, at the lowest, off. */
  private judge(started: number, trouble: boolean): void {
    if (!trouble) {
      this.troubleSince = null;
      return;
    }
    this.troubleSince ??= started;
    if (performance.now() - this.troubleSince < PATIENCE_MS) return;
    this.troubleSince = null;
    if (this.scaleStep < SCALES.length - 1) {
      this.scaleStep += 1;
      return;
    }
    this.gaveUp = true;
    this.failed();
  }
}

/** Fills the frame with `image`, cropped to keep its proportions. */
function drawCover(context: CanvasRenderingContext2D, image: HTMLImageElement, w: number, h: number): void {
  const scale = Math.max(w / image.naturalWidth, h / image.naturalHeight);
  const iw = image.naturalWidth * scale;
  const ih = image.naturalHeight * scale;
  context.drawImage(image, (w - iw) / 2, (h - ih) / 2, iw, ih);
}
