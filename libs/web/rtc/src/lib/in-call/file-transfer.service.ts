import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { sha256 } from '@noble/hashes/sha2';
import { CallController } from '../call-controller.service';
import {
  FILE_CHUNK_BYTES,
  FILE_MAX_BYTES,
  FILE_RECEIVE_WINDOW_BYTES,
  FILE_WRITTEN_EVERY_BYTES,
  FileMessage,
  decodeChunk,
  encodeChunk,
  encodeFileMessage,
  parseFileMessage,
  toHex,
} from './file-message';
import { FILES_CHANNEL, openNegotiatedChannel } from './in-call-channels';
import { FILE_SINKS, FileDestination, FileSink, FileTooBigError } from './file-sink';

export type { FileDestination } from './file-sink';

export type TransferStatus =
  | 'offered' // ours, waiting for their answer
  | 'incoming' // theirs, waiting for ours
  | 'sending'
  | 'receiving'
  | 'verifying' // every byte is out; the receiver is checking the hash
  | 'done'
  | 'declined'
  | 'cancelled'
  | 'failed';

/** `too-big`: over what this browser can hold in memory; `write`: the disk or download refused the bytes. */
export type TransferFailure = 'mismatch' | 'size' | 'closed' | 'read' | 'too-big' | 'write';

/** One transfer as the UI shows it (a snapshot; the service publishes a new one on change). */
export interface FileTransfer {
  key: string;
  outgoing: boolean;
  name: string;
  size: number;
  mime: string;
  status: TransferStatus;
  failure: TransferFailure | null;
  bytes: number;
  /** Average since the bytes started flowing; null before. */
  bytesPerSecond: number | null;
  /** A `blob:` URL of the received, verified file, when it was held in memory. */
  url: string | null;
  /** Where a received file is written as it arrives (file-sink.ts); null until accepted. */
  destination: FileDestination | null;
}

interface Transfer extends FileTransfer {
  id: number;
  startedAt: number | null;
  file?: File;
  hasher?: ReturnType<typeof sha256.create>;
  sink?: FileSink;
  /** The sink's writes, in order; a failed write stops the transfer. */
  writing?: Promise<void>;
  answering?: boolean;
  /** Receiver: bytes on disk, and the count last reported with `file-written`. */
  written?: number;
  reported?: number;
  /** Sender: how far it may run ahead of the receiver's disk (none from older receivers), what was written. */
  window?: number;
  acked?: number;
  /** Sender: wakes the pump waiting for the receiver's disk. */
  wake?: () => void;
  stopped?: boolean;
}

/** Read from disk this much at a time, sent as 64 KiB frames. */
const READ_BYTES = 1024 * 1024;
/** Backpressure: stop queueing above the high mark, resume when the channel drains to the low one. */
export const FILE_HIGH_WATER_BYTES = 8 * 1024 * 1024;
export const FILE_LOW_WATER_BYTES = 1024 * 1024;
/** Their offers waiting for an answer or arriving at once; more are declined unseen. */
export const FILE_MAX_INCOMING = 8;
/** Progress is published at most this often per transfer (and on every change of status). */
const PUBLISH_EVERY_MS = 100;

/**
 * Files over the call's `files` channel (file-message.ts): offer with name, size and type; the
 * receiver accepts or declines; 64 KiB frames with backpressure (`bufferedAmountLowThreshold`);
 * SHA-256 computed incrementally on both sides (crypto.subtle cannot hash incrementally) and
 * checked by the receiver. The receiver writes each chunk as it arrives to a sink (file-sink.ts:
 * a file the person chose, a streamed download, or memory as the last resort) and makes the file
 * final only when the hash matches; otherwise the sink discards it. Either side may cancel.
 * Several transfers may run at once, both ways.
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

  readonly list = this.transfersState.asReadonly();
  readonly ready = this.readyState.asReadonly();

  constructor() {
    inject(CallController)
      .peerConnection$.pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((pc) => this.follow(pc));
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
    return this.sinks.open({ name, size, mime, onAbandoned }).then(
      (sink) => {
        transfer.answering = false;
        if (!sink) return;
        if (transfer.status !== 'incoming') {
          // They cancelled while the person was choosing where to save.
          void sink.discard().catch(() => undefined);
          return;
        }
        transfer.sink = sink;
        transfer.destination = sink.destination;
        transfer.writing = Promise.resolve();
        transfer.hasher = sha256.create();
        transfer.written = transfer.reported = 0;
        transfer.startedAt = Date.now();
        this.setStatus(transfer, 'receiving');
        this.send({ type: 'file-accept', id: transfer.id, window: FILE_RECEIVE_WINDOW_BYTES });
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

  private follow(pc: RTCPeerConnection | null): void {
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
    if (!pc) return;
    const channel = openNegotiatedChannel(pc, FILES_CHANNEL);
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = FILE_LOW_WATER_BYTES;
    this.channel = channel;
    channel.onopen = () => this.readyState.set(true);
    channel.onclose = () => {
      this.readyState.set(false);
      for (const transfer of this.transfers.values()) {
        if (!isFinished(transfer.status)) this.stop(transfer, 'failed', 'closed');
      }
    };
    channel.onmessage = ({ data }: MessageEvent) => {
      if (typeof data === 'string') {
        const message = parseFileMessage(data);
        if (message) this.receive(message);
        else console.debug('[files] dropped an unknown frame');
      } else if (data instanceof ArrayBuffer) {
        this.receiveChunk(data);
      }
    };
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
        void this.pump(transfer);
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
        this.finishReceiving(transfer, message.sha256);
        return;
    }
  }

  private receiveChunk(frame: ArrayBuffer): void {
    const chunk = decodeChunk(frame);
    const transfer = chunk && this.transfers.get(`in-${chunk.id}`);
    const sink = transfer?.sink;
    if (!chunk || transfer?.status !== 'receiving' || !transfer.hasher || !sink) return;
    if (transfer.bytes + chunk.bytes.byteLength > transfer.size) {
      this.stop(transfer, 'failed', 'size');
      this.send({ type: 'file-abort', id: transfer.id });
      return;
    }
    transfer.hasher.update(chunk.bytes);
    transfer.bytes += chunk.bytes.byteLength;
    const length = chunk.bytes.byteLength;
    transfer.writing = transfer.writing
      ?.then(() => (transfer.stopped ? undefined : sink.write(chunk.bytes)))
      .then(() => this.reportWritten(transfer, length));
    transfer.writing?.catch((error: unknown) => this.failWriting(transfer, error));
    this.publish();
  }

  /** Tells the sender how much is on disk, every few MiB and at the end, so it never runs far ahead. */
  private reportWritten(transfer: Transfer, length: number): void {
    if (transfer.stopped) return;
    const written = (transfer.written = (transfer.written ?? 0) + length);
    if (written - (transfer.reported ?? 0) < FILE_WRITTEN_EVERY_BYTES && written !== transfer.size) return;
    transfer.reported = written;
    this.send({ type: 'file-written', id: transfer.id, bytes: written });
  }

  private failWriting(transfer: Transfer, error: unknown): void {
    if (isFinished(transfer.status)) return;
    console.warn('[files] could not write the file', error);
    this.stop(transfer, 'failed', 'write');
    this.send({ type: 'file-abort', id: transfer.id });
  }

  /** Every byte is in: the file becomes final only when its hash matches; success is reported after that. */
  private async finishReceiving(transfer: Transfer, expected: string): Promise<void> {
    const { hasher, sink } = transfer;
    if (transfer.status !== 'receiving' || !hasher || !sink) return;
    transfer.hasher = undefined;
    const ok = transfer.bytes === transfer.size && toHex(hasher.digest()) === expected;
    if (!ok) {
      this.stop(transfer, 'failed', transfer.bytes === transfer.size ? 'mismatch' : 'size');
      this.send({ type: 'file-result', id: transfer.id, ok: false });
      return;
    }
    try {
      await transfer.writing;
      if (transfer.stopped) return;
      transfer.sink = undefined;
      transfer.url = await sink.commit();
    } catch (error) {
      this.failWriting(transfer, error);
      void sink.discard().catch(() => undefined);
      return;
    }
    this.stop(transfer, 'done');
    this.send({ type: 'file-result', id: transfer.id, ok: true });
  }

  /** Reads the file a megabyte at a time, hashing and sending it in frames, waiting while the channel is full. */
  private async pump(transfer: Transfer): Promise<void> {
    const channel = this.channel;
    const file = transfer.file;
    if (!channel || !file) return;
    const hasher = sha256.create();
    try {
      for (let offset = 0; offset < file.size; offset += READ_BYTES) {
        const block = new Uint8Array(await file.slice(offset, offset + READ_BYTES).arrayBuffer());
        hasher.update(block);
        for (let at = 0; at < block.byteLength; at += FILE_CHUNK_BYTES) {
          if (channel.bufferedAmount > FILE_HIGH_WATER_BYTES) await drained(channel);
          while (transfer.window && !transfer.stopped && transfer.bytes - (transfer.acked ?? 0) > transfer.window) {
            // Show how far it got before waiting for the receiver's disk.
            this.publish(true);
            await new Promise<void>((wake) => (transfer.wake = wake));
          }
          if (transfer.stopped || channel.readyState !== 'open') return;
          const bytes = block.subarray(at, at + FILE_CHUNK_BYTES);
          channel.send(encodeChunk(transfer.id, bytes));
          transfer.bytes += bytes.byteLength;
        }
        this.publish();
      }
    } catch (error) {
      console.warn('[files] could not read the file', error);
      this.stop(transfer, 'failed', 'read');
      this.send({ type: 'file-cancel', id: transfer.id });
      return;
    }
    if (transfer.stopped) return;
    this.send({ type: 'file-end', id: transfer.id, sha256: toHex(hasher.digest()) });
    this.setStatus(transfer, 'verifying');
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

function blank(key: string, outgoing: boolean, name: string, size: number, mime: string, status: TransferStatus) {
  return { key, outgoing, name, size, mime, status, failure: null, bytes: 0, bytesPerSecond: null, url: null, destination: null, startedAt: null };
}

function isFinished(status: TransferStatus): boolean {
  return status === 'done' || status === 'declined' || status === 'cancelled' || status === 'failed';
}

/** Resolves when the channel has drained to its low mark, or closed. */
function drained(channel: RTCDataChannel): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      channel.removeEventListener('bufferedamountlow', done);
      channel.removeEventListener('close', done);
      resolve();
    };
    channel.addEventListener('bufferedamountlow', done);
    channel.addEventListener('close', done);
  });
}
