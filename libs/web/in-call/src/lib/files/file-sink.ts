import { InjectionToken } from '@angular/core';

/**
 * Where a received file's bytes go while they arrive. The receiver writes every chunk as it comes
 * (hashing it on the way) and calls `commit` only once the SHA-256 matched; anything else ends in
 * `discard`, after which nothing of the file stays under its name:
 * - `chosen-file`: the File System Access API (Chromium). The person picks where to save when
 *   accepting; the browser writes to a temporary file beside it and moves it into place on
 *   `commit`; `discard` aborts the write and removes the empty file the picker created.
 * - `downloads`: a download streamed through a service worker (duet-download-sw.js), for browsers
 *   without that API. The browser writes a partial download; `commit` completes it, `discard`
 *   errors it (the browser marks it failed; Chromium deletes the partial file).
 * - `memory`: neither is available (e.g. plain http on a LAN address: no secure context). The
 *   file is held in memory and assembled into one Blob on `commit`, so it is capped.
 */
export type FileDestination = 'chosen-file' | 'downloads' | 'memory';

export interface FileSink {
  readonly destination: FileDestination;
  /** Resolves once the sink can take more: the receiver chains its writes on it. */
  write(bytes: Uint8Array): Promise<void>;
  /** The file checked out: make it final. A memory sink returns a `blob:` URL to save from. */
  commit(): Promise<string | null>;
  /** The file did not check out, or the transfer stopped: drop what was written. */
  discard(): Promise<void>;
}

export interface IncomingFile {
  name: string;
  size: number;
  mime: string;
  /** The sink could not go on by itself (the person cancelled the download in the browser). */
  onAbandoned(): void;
}

export interface FileSinks {
  /** A hint that an offer arrived: get ready, so the answer is quick. */
  prepare(): void;
  /**
   * A sink for one accepted file, or null when the person cancelled the save dialog. Must be
   * called straight from the click that accepted: the save dialog needs that user activation.
   * Rejects with `FileTooBigError` when only memory is left and the file is over its cap.
   */
  open(file: IncomingFile): Promise<FileSink | null>;
}

/** The memory sink holds the file until it is whole, then one Blob: bound it. */
export const FILE_MEMORY_MAX_BYTES = 2 * 1024 ** 3;

export class FileTooBigError extends Error {
  constructor() {
    super('too big to hold in memory, and this browser cannot write it to disk as it arrives');
  }
}

export const FILE_SINKS = new InjectionToken<FileSinks>('FILE_SINKS', {
  providedIn: 'root',
  factory: () => new LazyBrowserFileSinks(),
});

/**
 * The browser's own sinks (browser-file-sinks.ts) are a chunk of their own, fetched when the first
 * offer arrives (`prepare`), so they are here by the time the person clicks accept, and the save
 * dialog opens within that click.
 */
class LazyBrowserFileSinks implements FileSinks {
  private sinks: FileSinks | null = null;
  private loading: Promise<FileSinks> | null = null;

  prepare(): void {
    this.load().then(
      (sinks) => sinks.prepare(),
      () => (this.loading = null),
    );
  }

  open(file: IncomingFile): Promise<FileSink | null> {
    return this.sinks ? this.sinks.open(file) : this.load().then((sinks) => sinks.open(file));
  }

  private load(): Promise<FileSinks> {
    this.loading ??= import('./browser-file-sinks').then(({ BrowserFileSinks }) => (this.sinks = new BrowserFileSinks()));
    return this.loading;
  }
}

export function memorySink(file: Pick<IncomingFile, 'size' | 'mime'>): FileSink {
  if (file.size > FILE_MEMORY_MAX_BYTES) throw new FileTooBigError();
  let chunks: Uint8Array[] = [];
  return {
    destination: 'memory',
    write: async (bytes) => {
      chunks.push(bytes);
    },
    commit: async () => {
      // The one copy of the file: the chunk list is dropped right after.
      const url = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: file.mime }));
      chunks = [];
      return url;
    },
    discard: async () => {
      chunks = [];
    },
  };
}
