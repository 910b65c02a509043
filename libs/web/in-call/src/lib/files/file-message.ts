import { parseChannelFrame } from '@duet/web/rtc';

/**
 * The `files` channel (in-call-channels.ts): JSON text frames say what happens to a transfer,
 * binary frames carry its bytes. A transfer is named by the number its sender gave it; which
 * side's numbering a message means follows from its type (the sender writes offer, end and
 * cancel; the receiver accept, decline, abort and result), so both sides may send at once.
 * docs/protocol.md ("In-call data channels") has the table.
 */
export type FileMessage =
  | { type: 'file-offer'; id: number; name: string; size: number; mime: string }
  | { type: 'file-end'; id: number; sha256: string }
  | { type: 'file-cancel'; id: number }
  /** `window`: the receiver writes to disk and wants at most this many bytes unwritten (below). */
  | { type: 'file-accept'; id: number; window?: number }
  /** The receiver has written this many bytes of the file: the sender may run `window` ahead of it. */
  | { type: 'file-written'; id: number; bytes: number }
  | { type: 'file-decline'; id: number }
  | { type: 'file-abort'; id: number }
  | { type: 'file-result'; id: number; ok: boolean };

/** Bytes of file per binary frame; with the 4-byte header well under Chromium's 256 KiB message size. */
export const FILE_CHUNK_BYTES = 64 * 1024;
/** Sender's backpressure: stop queueing above the high mark, resume when the channel drains to the low one. */
export const FILE_HIGH_WATER_BYTES = 8 * 1024 * 1024;
export const FILE_LOW_WATER_BYTES = 1024 * 1024;
/**
 * The largest offer: 1 TiB. Receivers write files to disk as they arrive (file-sink.ts); one that
 * can only hold them in memory declines above FILE_MEMORY_MAX_BYTES (2 GiB). Peers from before
 * streaming drop offers over 2 GiB unanswered (their cap then): the sender can cancel them.
 */
export const FILE_MAX_BYTES = 2 ** 40;
/** Flow control from the receiver's disk: how far the sender may run ahead, how often it hears back. */
export const FILE_RECEIVE_WINDOW_BYTES = 16 * 1024 * 1024;
/** Well under the window, or the sender would stop before hearing that it may go on. */
export const FILE_WRITTEN_EVERY_BYTES = FILE_RECEIVE_WINDOW_BYTES / 8;
const WINDOW_MIN_BYTES = 1024 * 1024;
export const FILE_NAME_MAX_LENGTH = 255;
export const FILE_MIME_MAX_LENGTH = 127;
const FRAME_MAX_LENGTH = 2_048;

export function encodeFileMessage(message: FileMessage): string {
  return JSON.stringify(message);
}

/** A valid control frame of the files channel, or null (dropped: a newer peer may send more). */
export function parseFileMessage(data: string): FileMessage | null {
  const value = parseChannelFrame(data, FRAME_MAX_LENGTH);
  if (value === null) return null;
  const { type, id } = value;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0xffffffff) return null;
  switch (type) {
    case 'file-offer': {
      const { name, size, mime } = value;
      if (typeof name !== 'string' || name.length === 0 || name.length > FILE_NAME_MAX_LENGTH) return null;
      if (typeof mime !== 'string' || mime.length > FILE_MIME_MAX_LENGTH) return null;
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > FILE_MAX_BYTES) return null;
      return { type, id, name, size, mime };
    }
    case 'file-end':
      return typeof value['sha256'] === 'string' && /^[0-9a-f]{64}$/.test(value['sha256'])
        ? { type, id, sha256: value['sha256'] }
        : null;
    case 'file-result':
      return typeof value['ok'] === 'boolean' ? { type, id, ok: value['ok'] } : null;
    case 'file-written': {
      const bytes = value['bytes'];
      return typeof bytes === 'number' && Number.isInteger(bytes) && bytes >= 0 && bytes <= FILE_MAX_BYTES ? { type, id, bytes } : null;
    }
    case 'file-accept': {
      // A window out of bounds is ignored, as an older receiver's accept has none.
      const window = value['window'];
      return typeof window === 'number' && Number.isInteger(window) && window >= WINDOW_MIN_BYTES && window <= FILE_MAX_BYTES
        ? { type, id, window }
        : { type, id };
    }
    case 'file-cancel':
    case 'file-decline':
    case 'file-abort':
      return { type, id };
    default:
      return null;
  }
}

/** A binary frame: the transfer's number (big-endian uint32), then its bytes. */
export function encodeChunk(id: number, bytes: Uint8Array): ArrayBuffer {
  const frame = new Uint8Array(4 + bytes.byteLength);
  new DataView(frame.buffer).setUint32(0, id);
  frame.set(bytes, 4);
  return frame.buffer;
}

export function decodeChunk(frame: ArrayBuffer): { id: number; bytes: Uint8Array } | null {
  if (frame.byteLength < 4 || frame.byteLength > 4 + FILE_CHUNK_BYTES) return null;
  return { id: new DataView(frame).getUint32(0), bytes: new Uint8Array(frame, 4) };
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
