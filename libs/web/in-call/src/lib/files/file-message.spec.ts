import { FILE_CHUNK_BYTES, decodeChunk, encodeChunk, encodeFileMessage, parseFileMessage } from './file-message';

describe('file channel messages', () => {
  it('round-trips each message type', () => {
    for (const message of [
      { type: 'file-offer', id: 3, name: 'a.pdf', size: 10, mime: 'application/pdf' },
      { type: 'file-end', id: 3, sha256: 'ab'.repeat(32) },
      { type: 'file-result', id: 3, ok: false },
      { type: 'file-accept', id: 3 },
      { type: 'file-accept', id: 3, window: 32 * 1024 * 1024 },
      { type: 'file-written', id: 3, bytes: 4 * 1024 * 1024 },
      { type: 'file-cancel', id: 3 },
    ] as const) {
      expect(parseFileMessage(encodeFileMessage(message))).toEqual(message);
    }
  });

  it('refuses offers without a name, over the size bound, and malformed hashes or ids', () => {
    expect(parseFileMessage(JSON.stringify({ type: 'file-offer', id: 1, name: '', size: 1, mime: '' }))).toBeNull();
    expect(parseFileMessage(JSON.stringify({ type: 'file-offer', id: 1, name: 'x', size: 2 ** 40 + 1, mime: '' }))).toBeNull();
    expect(parseFileMessage(JSON.stringify({ type: 'file-end', id: 1, sha256: 'nothex' }))).toBeNull();
    expect(parseFileMessage(JSON.stringify({ type: 'file-accept', id: -1 }))).toBeNull();
    expect(parseFileMessage(JSON.stringify({ type: 'file-written', id: 1, bytes: -1 }))).toBeNull();
    expect(parseFileMessage('[]')).toBeNull();
  });

  it('reads an accept with a window out of bounds as one without (an older receiver)', () => {
    expect(parseFileMessage(JSON.stringify({ type: 'file-accept', id: 1, window: 10 }))).toEqual({ type: 'file-accept', id: 1 });
    expect(parseFileMessage(JSON.stringify({ type: 'file-accept', id: 1, window: '1' }))).toEqual({ type: 'file-accept', id: 1 });
  });

  it('frames chunks with their transfer number and refuses oversized frames', () => {
    const frame = encodeChunk(7, new Uint8Array([1, 2, 3]));
    const chunk = decodeChunk(frame);
    expect(chunk?.id).toBe(7);
    expect(Array.from(chunk?.bytes ?? [])).toEqual([1, 2, 3]);
    expect(decodeChunk(new ArrayBuffer(5 + FILE_CHUNK_BYTES))).toBeNull();
  });
});
