import { candidateFramer, candidateInit, relayedSeq, sessionDescription } from './messages';

describe('messages', () => {
  it('builds candidate frames equal to what JSON.stringify gives', () => {
    const frame = candidateFramer(7, 'bob');
    for (const seq of [1, 2, 12345]) {
      expect(JSON.parse(frame(seq))).toEqual({ type: 'candidate', candidate: candidateInit(seq, 7), otherUsername: 'bob' });
    }
  });

  it('reads the sequence number back from a relayed frame', () => {
    const relayed = JSON.stringify({ type: 'candidate', candidate: candidateInit(4242, 3), username: 'alice' });
    expect(relayedSeq(Buffer.from(relayed))).toBe(4242);
    expect(relayedSeq(Buffer.from('{"type":"candidate","candidate":{"candidate":"x"}}'))).toBe(-1);
  });

  it('makes SDPs of a real audio+video call size', () => {
    const sdp = sessionDescription('offer', 1);
    expect(sdp.length).toBeGreaterThan(3000);
    expect(sdp.length).toBeLessThan(5500);
    expect(sdp.startsWith('v=0\r\n')).toBe(true);
  });
});
