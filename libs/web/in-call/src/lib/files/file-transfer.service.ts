import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { HeldChannel, InCallChannels } from '../in-call-channels';
import { FILE_LOW_WATER_BYTES, FILE_MAX_BYTES, FileMessage, decodeChunk, encodeFileMessage, parseFileMessage } from './file-message';
import { FILE_SINKS, FileTooBigError } from './file-sink';
import { FileTransfer, Transfer, TransferFailure, TransferHost, TransferStatus, blank, isFinished } from './file-transfer';

/** Their offers waiting for an answer or arriving at once; more are declined unseen. */
export const FILE_MAX_INCOMING = 8;
/** Progress is published at most this often per transfer (and on every change of status). */
const PUBLISH_EVERY_MS = 100;

type FileBytes = typeof import('./file-bytes');

/**
 * Files over the call's `files` channel (file-message.ts): offer with name, size and type; the
 * receiver accepts or declines; 64 KiB frames with backpressure (`bufferedAmountLowThreshold`);
 * SHA-256 computed incrementally on both sides (crypto.subtle cannot hash incrementally) and
 * checked by the receiver. The receiver writes each chunk as it arrives to a sink (file-sink.ts:
 * a file the person chose, a streamed download, or memory as the last resort) and makes the file
 * final only when the hash matches; otherwise the sink discards it. Either side may cancel.
 * Several transfers may run at once, both ways. This service owns the channel, the transfers and
 * what the UI sees; the bytes go out in file-sending.ts and come in through file-receiving.ts.
 */
@Injectable({ providedIn: 'root' })
export class FileTransferService {
  private readonly transfersState = signal<readonly FileTransfer[]>([]);
  private readonly readyState = signal(false);
  private readonly transfers = new Map<string, Transfer>();
  private readonly sinks = inject(FILE_SINKS);
  private channel: RTCDataChannel | null = null;
  private nextId = 1;
  private publishedAt = 0;
  /** The byte-moving halves, once their chunk has loaded (file-bytes.ts). */
  private bytes: FileBytes | null = null;
  /** The sending and receiving halves (file-sending.ts, file-receiving.ts) act through these. */
  private readonly host: TransferHost = {
    send: (message) => this.send(message),
    stop: (transfer, status, failure) => this.stop(transfer, status, failure),
    setStatus: (transfer, status) => this.setStatus(transfer, status),
    publish: (now) => this.publish(now),
  };

  readonly list = this.transfersState.asReadonly();
  readonly ready = this.readyState.asReadonly();

  constructor() {
    inject(InCallChannels)
      .channels$.pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((channels) => this.follow(channels?.files ?? null));
    inject(DestroyRef).onDestroy(() => this.follow(null));
  }

  /** Offers `file` to the other side; false when the channel is not open or the file is too big. */
  offer(file: File): boolean {
    if (this.channel?.readyState !== 'open' || file.size > FILE_MAX_BYTES) return false;
    const id = this.nextId++;
    const name = file.name.slice(0, 255) || 'file';
    const mime = file.type.slice(0, 127);
    this.add({ ...blank(`out-${id}`, true, name, file.size, mime, 'offered'), id, file });
    this.send({ type: 'file-offer', id, name, size: file.size, mime });
    return true;
  }

  /**
   * Accepts their offer once there is somewhere to write it: call it from the click, since the
   * save dialog (where there is one) needs that click. Cancelling the dialog leaves the offer open.
   */
  accept(key: string): Promise<void> {
    const transfer = this.transfers.get(key);
    if (transfer?.status !== 'incoming' || transfer.answering) return Promise.resolve();
    transfer.answering = true;
    const { name, size, mime } = transfer;
    const onAbandoned = () => this.cancel(key);
    // The sink first, within the click (a save dialog needs it); the bytes' chunk meanwhile.
    const opened = this.sinks.open({ name, size, mime, onAbandoned });
    return Promise.all([opened, this.loadBytes()]).then(
      ([sink, bytes]) => {
        transfer.answering = false;
        if (!sink) return;
        if (transfer.status !== 'incoming') {
          // They cancelled while the person was choosing where to save.
          void sink.discard().catch(() => undefined);
          return;
        }
        bytes.startReceiving(transfer, sink, this.host);
      },
      (error: unknown) => {
        transfer.answering = false;
        if (transfer.status !== 'incoming') return;
        if (!(error instanceof FileTooBigError)) console.warn('[files] cannot write the file', error);
        this.stop(transfer, 'failed', error instanceof FileTooBigError ? 'too-big' : 'write');
        this.send({ type: 'file-decline', id: transfer.id });
      },
    );
  }

  decline(key: string): void {
    const transfer = this.transfers.get(key);
    if (transfer?.status !== 'incoming') return;
    this.setStatus(transfer, 'declined');
    this.send({ type: 'file-decline', id: transfer.id });
  }

  /** Stops a transfer from either side; the other side is told. */
  cancel(key: string): void {
    const transfer = this.transfers.get(key);
    if (!transfer || isFinished(transfer.status)) return;
    this.stop(transfer, 'cancelled');
    this.send({ type: transfer.outgoing ? 'file-cancel' : 'file-abort', id: transfer.id });
  }

  private follow(held: HeldChannel | null): void {
    const previous = this.channel;
    if (previous) previous.onopen = previous.onclose = previous.onmessage = null;
    this.channel = null;
    this.readyState.set(false);
    for (const transfer of this.transfers.values()) {
      if (!isFinished(transfer.status)) this.stop(transfer, 'failed', 'closed');
      if (transfer.url) URL.revokeObjectURL(transfer.url);
    }
    this.transfers.clear();
    this.nextId = 1;
    this.publish(true);
    if (!held) return;
    const channel = held.channel;
    channel.bufferedAmountLowThreshold = FILE_LOW_WATER_BYTES;
    this.channel = channel;
    channel.onopen = () => this.readyState.set(true);
    channel.onclose = () => {
      this.readyState.set(false);
      for (const transfer of this.transfers.values()) {
        if (!isFinished(transfer.status)) this.stop(transfer, 'failed', 'closed');
      }
    };
    // It may have opened, and messages arrived, before this service was loaded.
    this.readyState.set(channel.readyState === 'open');
    held.take(({ data }: MessageEvent) => {
      if (typeof data === 'string') {
        const message = parseFileMessage(data);
        if (message) this.receive(message);
        else console.debug('[files] dropped an unknown frame');
      } else if (data instanceof ArrayBuffer) {
        const chunk = decodeChunk(data);
        const transfer = chunk && this.transfers.get(`in-${chunk.id}`);
        // Chunks come only after our accept, which waited for the bytes' chunk.
        if (chunk && transfer) this.bytes?.receiveChunk(transfer, chunk.bytes, this.host);
      }
    });
  }

  private receive(message: FileMessage): void {
    if (message.type === 'file-offer') {
      const waiting = [...this.transfers.values()].filter((t) => !t.outgoing && !isFinished(t.status)).length;
      const key = `in-${message.id}`;
      if (this.transfers.has(key) || waiting >= FILE_MAX_INCOMING) {
        this.send({ type: 'file-decline', id: message.id });
        return;
      }
      this.add({ ...blank(key, false, message.name, message.size, message.mime, 'incoming'), id: message.id });
      this.sinks.prepare();
      void this.loadBytes().catch(() => undefined);
      return;
    }
    const outgoing = ['file-accept', 'file-decline', 'file-abort', 'file-result', 'file-written'].includes(message.type);
    const transfer = this.transfers.get(`${outgoing ? 'out' : 'in'}-${message.id}`);
    if (!transfer) return;
    switch (message.type) {
      case 'file-accept':
        if (transfer.status !== 'offered') return;
        transfer.window = message.window;
        transfer.acked = 0;
        transfer.startedAt = Date.now();
        this.setStatus(transfer, 'sending');
        this.pump(transfer);
        return;
      case 'file-decline':
        if (transfer.status === 'offered') this.setStatus(transfer, 'declined');
        return;
      case 'file-written':
        transfer.acked = Math.max(transfer.acked ?? 0, message.bytes);
        transfer.wake?.();
        return;
      case 'file-abort':
      case 'file-cancel':
        if (!isFinished(transfer.status)) this.stop(transfer, 'cancelled');
        return;
      case 'file-result':
        if (transfer.status === 'verifying') this.stop(transfer, message.ok ? 'done' : 'failed', message.ok ? null : 'mismatch');
        return;
      case 'file-end':
        if (this.bytes) void this.bytes.finishReceiving(transfer, message.sha256, this.host);
        return;
    }
  }

  private loadBytes(): Promise<FileBytes> {
    return import('./file-bytes').then((bytes) => (this.bytes = bytes));
  }

  /** Sends an accepted file once the bytes' chunk is here (a stopped transfer has no file left to send). */
  private pump(transfer: Transfer): void {
    const channel = this.channel;
    this.loadBytes().then(
      (bytes) => bytes.pumpFile(transfer, channel, this.host),
      (error: unknown) => {
        console.warn('[files] cannot load the file sender', error);
        if (isFinished(transfer.status)) return;
        this.stop(transfer, 'failed', 'read');
        this.send({ type: 'file-cancel', id: transfer.id });
      },
    );
  }

  private stop(transfer: Transfer, status: TransferStatus, failure: TransferFailure | null = null): void {
    transfer.stopped = true;
    transfer.wake?.();
    // Whatever was written of a file that did not check out, or stopped half-way, goes (once the
    // writes under way have settled; the ones still queued see `stopped` and skip).
    const sink = transfer.sink;
    if (sink) void (transfer.writing ?? Promise.resolve()).catch(() => undefined).then(() => sink.discard()).catch(() => undefined);
    transfer.sink = undefined;
    transfer.hasher = undefined;
    transfer.file = undefined;
    transfer.failure = failure;
    this.setStatus(transfer, status);
  }

  private send(message: FileMessage): void {
    if (this.channel?.readyState === 'open') this.channel.send(encodeFileMessage(message));
  }

  private add(transfer: Transfer): void {
    this.transfers.set(transfer.key, transfer);
    this.publish(true);
  }

  private setStatus(transfer: Transfer, status: TransferStatus): void {
    transfer.status = status;
    this.publish(true);
  }

  private publish(now = false): void {
    const time = Date.now();
    if (!now && time - this.publishedAt < PUBLISH_EVERY_MS) return;
    this.publishedAt = time;
    this.transfersState.set(
      [...this.transfers.values()].map((t) => ({
        key: t.key,
        outgoing: t.outgoing,
        name: t.name,
        size: t.size,
        mime: t.mime,
        status: t.status,
        failure: t.failure,
        bytes: t.bytes,
        bytesPerSecond: t.startedAt !== null && time > t.startedAt ? (t.bytes * 1_000) / (time - t.startedAt) : null,
        url: t.url,
        destination: t.destination,
      })),
    );
  }
}

