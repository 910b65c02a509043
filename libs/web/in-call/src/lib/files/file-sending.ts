import { sha256 } from '@noble/hashes/sha2';
import { FILE_CHUNK_BYTES, FILE_HIGH_WATER_BYTES, FILE_LOW_WATER_BYTES, encodeChunk, toHex } from './file-message';
import { Transfer, TransferHost } from './file-transfer';

/** Read from disk this much at a time, sent as 64 KiB frames. */
const READ_BYTES = 1024 * 1024;

/**
 * The sender's half of a transfer the other side accepted: reads the file a megabyte at a time,
 * hashing and sending it in frames, waiting while the channel is full or the receiver's disk is
 * a window behind; then `file-end` with the hash, and the transfer waits for their verdict.
 */
export async function pumpFile(transfer: Transfer, channel: RTCDataChannel | null, host: TransferHost): Promise<void> {
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
          host.publish(true);
          await new Promise<void>((wake) => (transfer.wake = wake));
        }
        if (transfer.stopped || channel.readyState !== 'open') return;
        const bytes = block.subarray(at, at + FILE_CHUNK_BYTES);
        channel.send(encodeChunk(transfer.id, bytes));
        transfer.bytes += bytes.byteLength;
      }
      host.publish();
    }
  } catch (error) {
    console.warn('[files] could not read the file', error);
    host.stop(transfer, 'failed', 'read');
    host.send({ type: 'file-cancel', id: transfer.id });
    return;
  }
  if (transfer.stopped) return;
  host.send({ type: 'file-end', id: transfer.id, sha256: toHex(hasher.digest()) });
  host.setStatus(transfer, 'verifying');
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
