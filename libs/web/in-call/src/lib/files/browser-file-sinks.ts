import { DownloadWorker } from './download-worker-sink';
import { FileSink, FileSinks, IncomingFile, memorySink } from './file-sink';

interface SaveFilePickerWindow {
  showSaveFilePicker?: (options: { suggestedName?: string }) => Promise<FileSystemFileHandle>;
}

/** The browser's own: the save dialog where there is one, else a streamed download, else memory. */
export class BrowserFileSinks implements FileSinks {
  private readonly worker = DownloadWorker.available() ? new DownloadWorker() : null;

  prepare(): void {
    if (!this.pickerAvailable()) void this.worker?.ready().catch(() => undefined);
  }

  open(file: IncomingFile): Promise<FileSink | null> {
    const picker = (window as SaveFilePickerWindow).showSaveFilePicker;
    if (picker) return openChosenFile(picker.call(window, { suggestedName: file.name }));
    if (this.worker) return this.worker.open(file).catch((error: unknown) => {
      console.warn('[files] no streamed download; holding the file in memory', error);
      return memorySink(file);
    });
    return new Promise((resolve) => resolve(memorySink(file)));
  }

  private pickerAvailable(): boolean {
    return typeof (window as SaveFilePickerWindow).showSaveFilePicker === 'function';
  }
}

async function openChosenFile(picked: Promise<FileSystemFileHandle>): Promise<FileSink | null> {
  let handle: FileSystemFileHandle;
  try {
    handle = await picked;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') return null;
    throw error;
  }
  const writable = await handle.createWritable();
  return {
    destination: 'chosen-file',
    write: (bytes) => writable.write(bytes as Uint8Array<ArrayBuffer>),
    commit: async () => {
      await writable.close();
      return null;
    },
    discard: async () => {
      await writable.abort().catch(() => undefined);
      // The picker created the file, empty: remove it where the browser can (Chromium 110+).
      await (handle as FileSystemFileHandle & { remove?: () => Promise<void> }).remove?.().catch(() => undefined);
    },
  };
}
