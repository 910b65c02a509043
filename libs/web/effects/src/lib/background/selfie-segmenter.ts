/** The parts of MediaPipe's SelfieSegmentation (a classic script that sets a global) that Duet uses. */
interface SelfieSegmentationResults {
  segmentationMask: CanvasImageSource;
}
interface SelfieSegmentationApi {
  setOptions(options: { modelSelection: number; selfieMode: boolean }): void;
  onResults(listener: (results: SelfieSegmentationResults) => void): void;
  initialize(): Promise<void>;
  send(inputs: { image: HTMLCanvasElement | HTMLVideoElement }): Promise<void>;
  close(): Promise<void>;
}
type SelfieSegmentationClass = new (config: { locateFile: (file: string) => string }) => SelfieSegmentationApi;

let script: Promise<SelfieSegmentationClass> | null = null;

/**
 * MediaPipe's script, served from Duet's own origin like its wasm and model (`locateFile`): nothing
 * comes from a CDN. It is a closure-compiled classic script, so it is loaded by a script element,
 * not bundled.
 */
function loadScript(baseUrl: string): Promise<SelfieSegmentationClass> {
  script ??= new Promise<SelfieSegmentationClass>((resolve, reject) => {
    const element = document.createElement('script');
    element.src = `${baseUrl}selfie/selfie_segmentation.js`;
    element.async = true;
    element.onload = () => {
      const loaded = (globalThis as unknown as { SelfieSegmentation?: SelfieSegmentationClass }).SelfieSegmentation;
      if (loaded) resolve(loaded);
      else reject(new Error('selfie_segmentation.js defined no SelfieSegmentation'));
    };
    element.onerror = () => reject(new Error('selfie_segmentation.js did not load'));
    document.head.appendChild(element);
  }).catch((error) => {
    script = null;
    throw error;
  });
  return script;
}

/** One segmentation graph: a frame in, the person's mask out (its alpha is the person). */
export class SelfieSegmenter {
  private latest: CanvasImageSource | null = null;

  private constructor(private readonly graph: SelfieSegmentationApi) {
    graph.onResults((results) => (this.latest = results.segmentationMask));
  }

  static async open(baseUrl: string): Promise<SelfieSegmenter> {
    const SelfieSegmentation = await loadScript(baseUrl);
    const graph = new SelfieSegmentation({ locateFile: (file) => `${baseUrl}selfie/${file}` });
    // The landscape model (144×256) is the cheaper one and made for video calls.
    graph.setOptions({ modelSelection: 1, selfieMode: false });
    await graph.initialize();
    return new SelfieSegmenter(graph);
  }

  /** The person's mask for `image` (resolved once the graph has answered). */
  async segment(image: HTMLCanvasElement | HTMLVideoElement): Promise<CanvasImageSource> {
    this.latest = null;
    await this.graph.send({ image });
    if (!this.latest) throw new Error('segmentation gave no mask');
    return this.latest;
  }

  close(): void {
    void this.graph.close().catch(() => undefined);
  }
}
