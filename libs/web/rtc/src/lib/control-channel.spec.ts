import { CONTROL_MESSAGE_MAX_LENGTH, encodeControlMessage, parseControlMessage } from './control-channel';

describe('control channel messages', () => {
  const state = { type: 'media-state', micMuted: true, cameraOff: false, screenSharing: true } as const;

  it('round-trips a media-state message', () => {
    expect(parseControlMessage(encodeControlMessage(state))).toEqual(state);
  });

  it('keeps only the fields it knows', () => {
    expect(parseControlMessage(JSON.stringify({ ...state, extra: 'x' }))).toEqual(state);
  });

  it.each([
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
