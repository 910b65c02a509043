import { LoginFailureReasonSchema, USERNAME_MAX_LENGTH, isValidUsername } from '@duet/shared/protocol';
import {
  INVALID_NAME,
  NAME_HINT,
  NAME_RULE,
  callStatusSentence,
  connectionLabel,
  connectionProblemSentence,
  formatDuration,
  invalidCallee,
  loginFailureBlamesName,
  loginFailureSentence,
  noticeSentence,
  ringingDevicesHint,
} from './words';

describe('words', () => {
  it('says each call state as a sentence with the other person in it', () => {
    expect(callStatusSentence('calling', 'bob')).toBe('Calling bob…');
    expect(callStatusSentence('ringing', 'bob')).toBe('bob is calling you');
    expect(callStatusSentence('idle', null)).toBe('Not in a call');
  });

  it('says that the callee’s devices ring while they are offline, and only while calling', () => {
    expect(callStatusSentence('calling', 'bob', true)).toBe('Ringing bob’s devices…');
    expect(callStatusSentence('calling', null, true)).toBe('Ringing their devices…');
    expect(callStatusSentence('connecting', 'bob', true)).toBe('Connecting to bob…');
    expect(ringingDevicesHint('bob')).toContain('bob is not in Duet');
  });

  it('says why a ring of the devices ended, and that a call picked up from a notification is gone', () => {
    expect(noticeSentence({ code: 'unreachable', peer: 'bob' })).toBe('bob is offline and none of their devices could be rung.');
    expect(noticeSentence({ code: 'answer-expired' })).toBe('That call has ended.');
    expect(noticeSentence({ code: 'dnd', peer: 'bob' })).toBe('bob does not want to be disturbed right now.');
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

  it('words every login failure reason of the protocol on its own, so a new reason without words fails here', () => {
    const reasons = LoginFailureReasonSchema.options;
    const sentences = reasons.map((reason) => loginFailureSentence({ reason, message: 'the server’s own words' }));
    for (const sentence of sentences) {
      expect(typeof sentence).toBe('string');
      expect(sentence.length).toBeGreaterThan(10);
    }
    expect(new Set(sentences).size).toBe(reasons.length);
    const sentenceFor = (reason: (typeof reasons)[number]) => sentences[reasons.indexOf(reason)];
    expect(sentenceFor('invalid')).toBe(INVALID_NAME);
    expect(sentenceFor('taken')).toContain('taken');
    expect(sentenceFor('forbidden')).toContain('the server’s own words');
    // Redis down: the server's trouble, said as such, never "Invalid name".
    expect(sentenceFor('unavailable')).toMatch(/cannot reach .*trying again by itself/);
    expect(reasons.filter((reason) => !loginFailureBlamesName(reason))).toEqual(['unavailable']);
  });

  it('states the naming rule the server applies, the same way in the hint and in every error', () => {
    expect(NAME_RULE).toBe(`1–${USERNAME_MAX_LENGTH} letters, digits, “.”, “_”, “-” or “@”, starting with a letter or digit`);
    for (const sentence of [NAME_HINT, INVALID_NAME, invalidCallee('x y')]) expect(sentence).toContain(NAME_RULE);
    // What the rule says, checked against the protocol's own pattern.
    expect(isValidUsername('a'.repeat(USERNAME_MAX_LENGTH))).toBe(true);
    expect(isValidUsername('a'.repeat(USERNAME_MAX_LENGTH + 1))).toBe(false);
    expect(['Ann.b_c-9', '9lives'].every(isValidUsername)).toBe(true);
    expect(['.ann', '_ann', '-ann', 'ann!', 'ann b', 'änn'].some(isValidUsername)).toBe(false);
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
