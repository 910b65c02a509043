import { callStatusSentence, connectionLabel, formatDuration, noticeSentence } from './words';

describe('words', () => {
  it('says each call state as a sentence with the other person in it', () => {
    expect(callStatusSentence('calling', 'bob')).toBe('Calling bob…');
    expect(callStatusSentence('ringing', 'bob')).toBe('bob is calling you');
    expect(callStatusSentence('idle', null)).toBe('Not in a call');
  });

  it('does not claim "online" before login', () => {
    expect(connectionLabel('open', false)).toBe('not logged in');
    expect(connectionLabel('open', true)).toBe('online');
  });

  it('formats durations as m:ss, then h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65_400)).toBe('1:05');
    expect(formatDuration(3_600_000 + 62_000)).toBe('1:01:02');
  });

  it('words media fallbacks for people', () => {
    expect(noticeSentence({ code: 'media', reason: 'not-found', fallback: 'audio-only' })).toBe(
      'No camera/microphone found. Joining with audio only.',
    );
    expect(noticeSentence({ code: 'device-lost', kind: 'camera' })).toContain('camera was disconnected');
  });
});
