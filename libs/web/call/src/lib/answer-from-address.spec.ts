import { TestBed } from '@angular/core/testing';
import { ANSWER_REQUEST } from '@duet/web/rtc';
import { answerRequestFromAddress, provideAnswerFromAddress } from './answer-from-address';

describe('answering from the address (/?answer=<callId>)', () => {
  afterEach(() => window.history.replaceState(null, '', '/'));

  it('reads the call id, and settling takes only that parameter out of the address', () => {
    window.history.replaceState(null, '', '/?lang=en&answer=ring-1#top');
    const request = answerRequestFromAddress(window);
    expect(request?.ring).toBe('ring-1');
    const entries = window.history.length;
    request?.settle();
    expect(window.location.pathname + window.location.search + window.location.hash).toBe('/?lang=en#top');
    expect(window.history.length).toBe(entries);
  });

  it('is null without the parameter, with an empty one, or with one too long to be a call id', () => {
    for (const address of ['/', '/?answer=', `/?answer=${'x'.repeat(200)}`, '/?other=1']) {
      window.history.replaceState(null, '', address);
      expect(answerRequestFromAddress(window)).toBeNull();
    }
    expect(answerRequestFromAddress(null)).toBeNull();
  });

  it('is what the engine gets through ANSWER_REQUEST', () => {
    window.history.replaceState(null, '', '/?answer=ring-2');
    TestBed.configureTestingModule({ providers: [provideAnswerFromAddress()] });
    expect(TestBed.inject(ANSWER_REQUEST)?.ring).toBe('ring-2');
  });
});
