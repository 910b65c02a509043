import type { FileSink, IncomingFile } from './file-sink';

/** The worker's script (apps/web/public) and the only URLs it answers. */
const SCRIPT_URL = '/duet-download-sw.js';
const SCOPE = '/duet-download/';
/** Bytes posted to the worker that the download has not taken yet: the page waits above this. */
export const DOWNLOAD_IN_FLIGHT_BYTES = 4 * 1024 * 1024;
/** A worker with nothing to do is stopped after about 30 s: ping it while a download is open. */
const PING_EVERY_MS = 10_000;

/**
 * The page's side of duet-download-sw.js (that file says how a streamed download works). One per
 * page; the worker is registered on the first offer, so it is active by the time the person
 * accepts, and the download starts within the click that accepted.
 */
export class DownloadWorker {
  private registration: Promise<ServiceWorker> | null = null;
  private active: ServiceWorker | null = null;
  private readonly downloads = new Map<string, { acked(bytes: number): void; abandoned(): void }>();
  private pinger: ReturnType<typeof setInterval> | null = null;

  /** Service workers need a secure context (https, or http on localhost). */
  static available(): boolean {
    return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && globalThis.isSecureContext === true;
  }

  ready(): Promise<ServiceWorker> {
    this.registration ??= this.register();
    this.registration.catch(() => (this.registration = null));
    return this.registration;
  }

  async open(file: IncomingFile): Promise<FileSink> {
    const worker = this.active ?? (await this.ready());
    const id = crypto.randomUUID();
    let inFlight = 0;
    let waiting: (() => void) | null = null;
    let failed = false;
    this.downloads.set(id, {
      acked: (bytes) => {
        inFlight -= bytes;
        if (inFlight <= DOWNLOAD_IN_FLIGHT_BYTES) waiting?.();
      },
      abandoned: () => {
        failed = true;
        waiting?.();
        this.close(id);
        file.onAbandoned();
      },
    });
    worker.postMessage({ type: 'start', id, name: file.name, size: file.size, mime: file.mime });
    this.startDownload(id);
    this.pinger ??= setInterval(() => this.active?.postMessage({ type: 'ping', id: 'ping' }), PING_EVERY_MS);
    return {
      destination: 'downloads',
      write: async (bytes) => {
        if (failed) throw new Error('the download was cancelled');
        // A copy the worker can own: the frame's buffer also holds the transfer number.
        const copy = bytes.slice();
        worker.postMessage({ type: 'chunk', id, bytes: copy.buffer }, [copy.buffer]);
        inFlight += bytes.byteLength;
        while (inFlight > DOWNLOAD_IN_FLIGHT_BYTES && !failed) await new Promise<void>((go) => (waiting = go));
        waiting = null;
      },
      commit: async () => {
        worker.postMessage({ type: 'end', id });
        this.close(id);
        return null;
      },
      discard: async () => {
        worker.postMessage({ type: 'abort', id });
        this.close(id);
      },
    };
  }

  private async register(): Promise<ServiceWorker> {
    const container = navigator.serviceWorker;
    container.addEventListener('message', (event: MessageEvent) => {
      const message = event.data as { type?: string; id?: string; bytes?: number } | null;
      const download = message?.id ? this.downloads.get(message.id) : undefined;
      if (message?.type === 'duet-download-ack' && typeof message.bytes === 'number') download?.acked(message.bytes);
      if (message?.type === 'duet-download-cancelled') download?.abandoned();
    });
    // Messages from a worker wait until the page says it listens (onmessage does this by itself).
    container.startMessages();
    const registration = await container.register(SCRIPT_URL, { scope: SCOPE });
    const worker = registration.active ?? (await activated(registration));
    this.active = worker;
    return worker;
  }

  /** A hidden frame navigates to the download's URL; the worker answers it with the stream. */
  private startDownload(id: string): void {
    const frame = document.createElement('iframe');
    frame.hidden = true;
    frame.src = `${SCOPE}${id}`;
    frame.dataset['download'] = id;
    document.body.appendChild(frame);
  }

  private close(id: string): void {
    this.downloads.delete(id);
    // The frame has handed the download to the browser by now (its answer was an attachment).
    document.querySelector(`iframe[data-download="${id}"]`)?.remove();
    if (this.downloads.size === 0 && this.pinger) {
      clearInterval(this.pinger);
      this.pinger = null;
    }
  }
}

function activated(registration: ServiceWorkerRegistration): Promise<ServiceWorker> {
  const worker = registration.installing ?? registration.waiting;
  if (!worker) return Promise.reject(new Error('no service worker to wait for'));
  return new Promise((resolve, reject) => {
    worker.addEventListener('statechange', () => {
      if (worker.state === 'activated') resolve(worker);
      if (worker.state === 'redundant') reject(new Error('the download worker was replaced'));
    });
  });
}
