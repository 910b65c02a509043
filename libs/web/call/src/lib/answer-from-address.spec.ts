import { TestBed } from '@angular/core/testing';
import { ANSWER_REQUEST } from '@duet/web/rtc';
import { createHash, webcrypto } from 'node:crypto';
import { answerRequestFromAddress, provideAnswerFromAddress } from './answer-from-address';

const KEY = 'k'.repeat(43);
/** What the server names the ring's capability in the picked-up offer's `ringKey`. */
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
/** The window as a browser gives it, in a secure context: with WebCrypto (jsdom has none); or without. */
const withCrypto = (crypto: unknown) =>
  new Proxy(window, { get: (target, name) => (name === 'crypto' ? crypto : Reflect.get(target, name, target)) });
const page = withCrypto(webcrypto);

describe('answering from the address (/?answer=<callId>&key=<capability>)', () => {
  afterEach(() => window.history.replaceState(null, '', '/'));

  it('reads the call id and hashes the key as the server does; settling takes only those two parameters out of the address', async () => {
    window.history.replaceState(null, '', `/?lang=en&answer=ring-1&key=${KEY}#top`);
    const request = answerRequestFromAddress(page);
    expect(request?.ring).toBe('ring-1');
    expect(await request?.keyHash).toBe(sha256Hex(KEY));
    const entries = window.history.length;
    request?.settle();
    expect(window.location.pathname + window.location.search + window.location.hash).toBe('/?lang=en#top');
    expect(window.history.length).toBe(entries);
  });

  it('has no key hash without a key (a link the caller crafts from the call id it knows), with an empty or an overlong one', async () => {
    for (const address of ['/?answer=ring-1', '/?answer=ring-1&key=', `/?answer=ring-1&key=${'k'.repeat(129)}`]) {
      window.history.replaceState(null, '', address);
      const request = answerRequestFromAddress(page);
      expect(request?.ring).toBe('ring-1');
      expect(await request?.keyHash).toBeNull();
    }
  });

  it('has no key hash where the page has no WebCrypto (an insecure context)', async () => {
    window.history.replaceState(null, '', `/?answer=ring-1&key=${KEY}`);
    expect(await answerRequestFromAddress(withCrypto(undefined))?.keyHash).toBeNull();
  });

  it('is null without the call id, with an empty one, or with one too long to be a call id', () => {
    for (const address of ['/', '/?answer=', `/?answer=${'x'.repeat(200)}`, '/?other=1', `/?key=${KEY}`]) {
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
