import { CONTROL_MESSAGE_MAX_LENGTH, encodeControlMessage, makeRejoinKey, parseControlMessage } from './control-channel';

describe('control channel messages', () => {
  const state = { type: 'media-state', micMuted: true, cameraOff: false, screenSharing: true } as const;

  it('round-trips a media-state message', () => {
    expect(parseControlMessage(encodeControlMessage(state))).toEqual(state);
  });

  it('keeps only the fields it knows', () => {
    expect(parseControlMessage(JSON.stringify({ ...state, extra: 'x' }))).toEqual(state);
  });

  it('carries why the camera is off when it is off for bandwidth, and drops a reason it does not know or that does not apply', () => {
    const weak = { type: 'media-state', micMuted: false, cameraOff: true, screenSharing: false, cameraOffReason: 'bandwidth' } as const;
    expect(parseControlMessage(encodeControlMessage(weak))).toEqual(weak);
    const plain = { type: 'media-state', micMuted: false, cameraOff: true, screenSharing: false };
    expect(parseControlMessage(JSON.stringify({ ...weak, cameraOffReason: 'sleepy' }))).toEqual(plain);
    expect(parseControlMessage(JSON.stringify({ ...weak, cameraOff: false }))).toEqual({ ...plain, cameraOff: false });
  });

  it('round-trips a rejoin key, 128 random bits in hex, new each time', () => {
    const key = makeRejoinKey();
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(makeRejoinKey()).not.toBe(key);
    expect(parseControlMessage(encodeControlMessage({ type: 'rejoin-key', key }))).toEqual({ type: 'rejoin-key', key });
  });

  it.each([
    ['a rejoin key that is not 32 hex digits', JSON.stringify({ type: 'rejoin-key', key: 'guess' })],
    ['a rejoin key that is not text', JSON.stringify({ type: 'rejoin-key', key: 42 })],
    ['binary data', new ArrayBuffer(4)],
    ['text that is not JSON', '{nope'],
    ['JSON null', 'null'],
    ['an unknown type', '{"type":"hello"}'],
    ['a field of the wrong type', JSON.stringify({ ...state, micMuted: 'yes' })],
    ['a missing field', JSON.stringify({ type: 'media-state', micMuted: true, cameraOff: false })],
    ['an oversized frame', JSON.stringify({ ...state, pad: 'x'.repeat(CONTROL_MESSAGE_MAX_LENGTH) })],
  ])('drops %s', (_label, data) => {
    expect(parseControlMessage(data)).toBeNull();
  });
});
