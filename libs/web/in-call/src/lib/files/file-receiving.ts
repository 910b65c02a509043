import { sha256 } from '@noble/hashes/sha2';
import { FILE_RECEIVE_WINDOW_BYTES, FILE_WRITTEN_EVERY_BYTES, toHex } from './file-message';
import { FileSink } from './file-sink';
import { Transfer, TransferHost, isFinished } from './file-transfer';

/**
 * The receiver's half of a transfer: every chunk is hashed and written to the sink as it arrives
 * (file-sink.ts), the sender hears how much is on disk, and the file is made final only when the
 * whole of it arrived and its SHA-256 matched.
 */

/** The person accepted and `sink` is where the file goes: asks the sender to start. */
export function startReceiving(transfer: Transfer, sink: FileSink, host: TransferHost): void {
  transfer.sink = sink;
  transfer.destination = sink.destination;
  transfer.writing = Promise.resolve();
  transfer.hasher = sha256.create();
  transfer.written = transfer.reported = 0;
  transfer.startedAt = Date.now();
  host.setStatus(transfer, 'receiving');
  host.send({ type: 'file-accept', id: transfer.id, window: FILE_RECEIVE_WINDOW_BYTES });
}

export function receiveChunk(transfer: Transfer, bytes: Uint8Array, host: TransferHost): void {
  const sink = transfer.sink;
  if (transfer.status !== 'receiving' || !transfer.hasher || !sink) return;
  if (transfer.bytes + bytes.byteLength > transfer.size) {
    host.stop(transfer, 'failed', 'size');
    host.send({ type: 'file-abort', id: transfer.id });
    return;
  }
  transfer.hasher.update(bytes);
  transfer.bytes += bytes.byteLength;
  const length = bytes.byteLength;
  transfer.writing = transfer.writing
    ?.then(() => (transfer.stopped ? undefined : sink.write(bytes)))
    .then(() => reportWritten(transfer, length, host));
  transfer.writing?.catch((error: unknown) => failWriting(transfer, error, host));
  host.publish();
}

/** Tells the sender how much is on disk, every few MiB and at the end, so it never runs far ahead. */
function reportWritten(transfer: Transfer, length: number, host: TransferHost): void {
  if (transfer.stopped) return;
  const written = (transfer.written = (transfer.written ?? 0) + length);
  if (written - (transfer.reported ?? 0) < FILE_WRITTEN_EVERY_BYTES && written !== transfer.size) return;
  transfer.reported = written;
  host.send({ type: 'file-written', id: transfer.id, bytes: written });
}

function failWriting(transfer: Transfer, error: unknown, host: TransferHost): void {
  if (isFinished(transfer.status)) return;
  console.warn('[files] could not write the file', error);
  host.stop(transfer, 'failed', 'write');
  host.send({ type: 'file-abort', id: transfer.id });
}

/** Every byte is in: the file becomes final only when its hash matches; success is reported after that. */
export async function finishReceiving(transfer: Transfer, expected: string, host: TransferHost): Promise<void> {
  const { hasher, sink } = transfer;
  if (transfer.status !== 'receiving' || !hasher || !sink) return;
  transfer.hasher = undefined;
  const ok = transfer.bytes === transfer.size && toHex(hasher.digest()) === expected;
  if (!ok) {
    host.stop(transfer, 'failed', transfer.bytes === transfer.size ? 'mismatch' : 'size');
    host.send({ type: 'file-result', id: transfer.id, ok: false });
    return;
  }
  try {
    await transfer.writing;
    if (transfer.stopped) return;
    transfer.sink = undefined;
    transfer.url = await sink.commit();
  } catch (error) {
    failWriting(transfer, error, host);
    void sink.discard().catch(() => undefined);
    return;
  }
  host.stop(transfer, 'done');
  host.send({ type: 'file-result', id: transfer.id, ok: true });
}
