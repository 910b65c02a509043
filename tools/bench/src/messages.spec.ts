import { CandidateFrames, candidateFramer, candidateInit, MAX_PAYLOAD, MASK_BYTE, pongFrame, relayedSeq, sessionDescription } from './messages';

/** Reads the WebSocket frames in `bytes`, unmasks them and returns their text. */
function readFrames(bytes: Buffer): string[] {
  const texts: string[] = [];
  for (let at = 0; at < bytes.length; ) {
    expect(bytes[at]).toBe(0x81);
    expect(bytes[at + 1] & 0x80).toBe(0x80);
    let length = bytes[at + 1] & 0x7f;
    at += 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at);
      at += 2;
    }
    const mask = bytes.subarray(at, at + 4);
    expect(mask.some((b) => b !== 0)).toBe(true);
    at += 4;
    texts.push(Buffer.from(bytes.subarray(at, at + length).map((b, i) => b ^ mask[i & 3])).toString('utf8'));
    at += length;
  }
  return texts;
}

describe('messages', () => {
  it('builds candidate frames equal to what JSON.stringify gives', () => {
    const frame = candidateFramer(7, 'bob');
    for (const seq of [1, 2, 12345]) {
      expect(JSON.parse(frame(seq))).toEqual({ type: 'candidate', candidate: candidateInit(seq, 7), otherUsername: 'bob' });
    }
  });

  it('pads candidate objects to the payload asked for, staying inside what Duet accepts', () => {
    // The unpadded server-reflexive candidate is already longer than 200 B: it is left as it is.
    expect(JSON.stringify(candidateInit(1000, 42, 200)).length).toBe(200);
    expect(candidateInit(1001, 42, 200)).toEqual(candidateInit(1001, 42));
    for (const payload of [500, 1_300]) {
      for (const seq of [1000, 1001]) {
        const init = candidateInit(seq, 42, payload);
        expect(JSON.stringify(init).length).toBe(payload);
        expect(init.candidate.length).toBeLessThanOrEqual(1_024);
        expect(init.usernameFragment.length).toBeLessThanOrEqual(256);
        expect(init.candidate.startsWith(`candidate:${seq} 1 udp `)).toBe(true);
      }
    }
    expect(JSON.stringify(candidateInit(1000, 42, 5_000)).length).toBeLessThanOrEqual(MAX_PAYLOAD + 2);
  });

  it('writes masked frames whose text is the candidate frame, several into one buffer', () => {
    for (const payload of [0, 200, 1_300]) {
      const frames = new CandidateFrames(9, 'bob', payload);
      const seqs = [1, 2, 9, 10, 99, 100, 123456];
      const out = Buffer.alloc(seqs.reduce((sum, seq) => sum + frames.frameLength(seq), 0));
      let at = 0;
      for (const seq of seqs) at = frames.write(seq, out, at);
      expect(at).toBe(out.length);
      const texts = readFrames(out);
      expect(texts).toEqual(seqs.map((seq) => candidateFramer(9, 'bob', payload)(seq)));
      expect(texts.map((t) => JSON.parse(t))).toEqual(seqs.map((seq) => ({ type: 'candidate', candidate: candidateInit(seq, 9, payload), otherUsername: 'bob' })));
      expect(frames.text(9)).toBe(texts[2]);
    }
  });

  it('reads the sequence number back from a relayed frame', () => {
    const relayed = JSON.stringify({ type: 'candidate', candidate: candidateInit(4242, 3), username: 'alice' });
    expect(relayedSeq(Buffer.from(relayed))).toBe(4242);
    expect(relayedSeq(Buffer.from('{"type":"candidate","candidate":{"candidate":"x"}}'))).toBe(-1);
    // Inside a chunk of several frames: only the bytes of the frame asked about count.
    const chunk = Buffer.from(`xx${relayed}{"type":"candidate","candidate":{"candidate":"candidate:77 1"}}`);
    expect(relayedSeq(chunk, 2, 2 + relayed.length)).toBe(4242);
    expect(relayedSeq(chunk, 2, 2 + 30)).toBe(-1);
    expect(relayedSeq(chunk, 2 + relayed.length, chunk.length)).toBe(77);
  });

  it('answers a ping with a masked pong carrying its payload', () => {
    const pong = pongFrame(Buffer.from('hi'));
    expect([...pong]).toEqual([0x8a, 0x82, MASK_BYTE, MASK_BYTE, MASK_BYTE, MASK_BYTE, 0x68 ^ MASK_BYTE, 0x69 ^ MASK_BYTE]);
    expect([...pongFrame(Buffer.alloc(0))]).toEqual([0x8a, 0x80, MASK_BYTE, MASK_BYTE, MASK_BYTE, MASK_BYTE]);
  });

  it('makes SDPs of a real audio+video call size', () => {
    const sdp = sessionDescription('offer', 1);
    expect(sdp.length).toBeGreaterThan(3000);
    expect(sdp.length).toBeLessThan(5500);
    expect(sdp.startsWith('v=0\r\n')).toBe(true);
  });
});
