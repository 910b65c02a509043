import { sha256 } from '@noble/hashes/sha2';
import { FileMessage } from './file-message';
import { FileDestination, FileSink } from './file-sink';

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

/** A transfer as the service tracks it: the snapshot's fields and the state of its bytes. */
export interface Transfer extends FileTransfer {
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

/** What the sending and receiving halves ask of the service that owns the transfers and the channel. */
export interface TransferHost {
  send(message: FileMessage): void;
  stop(transfer: Transfer, status: TransferStatus, failure?: TransferFailure | null): void;
  setStatus(transfer: Transfer, status: TransferStatus): void;
  /** Publishes a new snapshot; throttled unless `now`. */
  publish(now?: boolean): void;
}

export function blank(key: string, outgoing: boolean, name: string, size: number, mime: string, status: TransferStatus) {
  return { key, outgoing, name, size, mime, status, failure: null, bytes: 0, bytesPerSecond: null, url: null, destination: null, startedAt: null };
}

export function isFinished(status: TransferStatus): boolean {
  return status === 'done' || status === 'declined' || status === 'cancelled' || status === 'failed';
}
