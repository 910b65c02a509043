import { callStatusSentence, connectionLabel, connectionProblemSentence, formatDuration, noticeSentence } from './words';

describe('words', () => {
  it('says each call state as a sentence with the other person in it', () => {
    expect(callStatusSentence('calling', 'bob')).toBe('Calling bob…');
    expect(callStatusSentence('ringing', 'bob')).toBe('bob is calling you');
    expect(callStatusSentence('idle', null)).toBe('Not in a call');
  });

  it('does not claim "online" before login', () => {
    expect(connectionLabel('open', false)).toBe('not logged in');
    expect(connectionLabel('open', true)).toBe('online');
    expect(connectionLabel('closed', false)).toBe('not logged in');
  });

  it('tells an outage from each kind of refusal, and says when it tries again', () => {
    const sentences = [
      connectionProblemSentence({ kind: 'unreachable' }, false),
      connectionProblemSentence({ kind: 'unreachable' }, true),
      connectionProblemSentence({ kind: 'overloaded', status: 429, retryInMs: 7_400 }, false),
      connectionProblemSentence({ kind: 'overloaded', status: 503, retryInMs: 30_000 }, false),
      connectionProblemSentence({ kind: 'sign-in-required' }, false),
      connectionProblemSentence({ kind: 'origin-refused' }, false),
    ];
    expect(new Set(sentences).size).toBe(sentences.length);
    expect(sentences[1]).toContain('your call goes on');
    expect(sentences[2]).toBe('Too many connections from your network: trying again in about 7 s.');
    expect(sentences[3]).toContain('in about 30 s');
    expect(sentences[4]).toContain('sign in again');
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

  it('says an insecure page is the problem, and how to fix it, instead of "permission denied"', () => {
    const sentence = noticeSentence({ code: 'media', reason: 'insecure-context', fallback: 'receive-only' });
    expect(sentence).toContain('not a secure context');
    expect(sentence).toContain('https');
    expect(sentence).toContain('npm run start:lan');
    expect(sentence).toContain('http://localhost');
    expect(sentence).not.toContain('permission');
    expect(sentence).toMatch(/still see and hear the other side\.$/);
  });
});
