import { TestBed } from '@angular/core/testing';
import { settle } from '../../testing/fake-rtc';
import { FakeWebSocket } from '../../testing/fake-web-socket';
import {
  ACCESS_TOKEN,
  ACCESS_TOKEN_KEY,
  AUTH_TOKEN_SOURCE,
  forgetAccessToken,
  provideAuthToken,
  signalingProtocols,
  takeAccessToken,
} from './auth-token';
import { SIGNALING_URL, WEB_SOCKET_FACTORY } from '../media/rtc-environment';
import { SIGN_IN_FLOW } from './sign-in-flow';
import { SignalingClient } from './signaling-client.service';

describe('access token (JWT mode)', () => {
  afterEach(() => {
    TestBed.resetTestingModule();
    window.history.replaceState(null, '', '/');
    sessionStorage.clear();
  });

  it('reads #access_token= from the page, removes it from the address bar and keeps it in the tab', () => {
    window.history.replaceState(null, '', '/call?x=1#access_token=header.payload.signature');
    expect(takeAccessToken(document, sessionStorage)).toBe('header.payload.signature');
    expect(window.location.hash).toBe('');
    expect(window.location.pathname + window.location.search).toBe('/call?x=1');
    expect(sessionStorage.getItem(ACCESS_TOKEN_KEY)).toBe('header.payload.signature');
  });

  it('finds no token on a page opened without one, in a tab that kept none', () => {
    window.history.replaceState(null, '', '/#other=1');
    expect(takeAccessToken(document, sessionStorage)).toBeNull();
    expect(window.location.hash).toBe('#other=1');
  });

  it('reads the kept token back on a reload without a fragment; a new fragment replaces it', () => {
    window.history.replaceState(null, '', '/#access_token=first.token.a');
    takeAccessToken(document, sessionStorage);
    // The reload: the address no longer has the fragment.
    expect(takeAccessToken(document, sessionStorage)).toBe('first.token.a');
    window.history.replaceState(null, '', '/#access_token=second.token.b');
    expect(takeAccessToken(document, sessionStorage)).toBe('second.token.b');
    expect(takeAccessToken(document, sessionStorage)).toBe('second.token.b');
  });

  it('forgets the kept token (log-out): the next load has none', () => {
    window.history.replaceState(null, '', '/#access_token=kept.token.c');
    takeAccessToken(document, sessionStorage);
    forgetAccessToken(sessionStorage);
    expect(sessionStorage.getItem(ACCESS_TOKEN_KEY)).toBeNull();
    expect(takeAccessToken(document, sessionStorage)).toBeNull();
  });

  it('still reads the fragment where the tab has no storage (blocked)', () => {
    window.history.replaceState(null, '', '/#access_token=no.storage.d');
    expect(takeAccessToken(document, null)).toBe('no.storage.d');
    expect(takeAccessToken(document, null)).toBeNull();
    forgetAccessToken(null);
  });

  it('without a sign-in provider: the identity step while the tab has a token, forgotten at sign-out', async () => {
    sessionStorage.setItem(ACCESS_TOKEN_KEY, 'kept.by.the.tab');
    const flow = TestBed.inject(SIGN_IN_FLOW);
    expect(flow.step()).toEqual({ kind: 'identity' });
    await flow.signOut();
    expect(sessionStorage.getItem(ACCESS_TOKEN_KEY)).toBeNull();
    TestBed.resetTestingModule();
    expect(TestBed.inject(SIGN_IN_FLOW).step()).toEqual({ kind: 'name-form' });
  });

  it('provides the kept token as ACCESS_TOKEN after a reload', () => {
    sessionStorage.setItem(ACCESS_TOKEN_KEY, 'kept.by.the.tab');
    expect(TestBed.inject(ACCESS_TOKEN)).toBe('kept.by.the.tab');
  });

  it('offers the token as a subprotocol next to duet, and nothing without a token', () => {
    expect(signalingProtocols('abc.def.ghi')).toEqual(['duet', 'access_token.abc.def.ghi']);
    expect(signalingProtocols(null)).toBeUndefined();
  });

  it('opens the signaling socket with those subprotocols', async () => {
    const opened: { url: string; protocols?: string[] }[] = [];
    TestBed.configureTestingModule({
      providers: [
        { provide: SIGNALING_URL, useValue: 'ws://duet.test/ws' },
        { provide: ACCESS_TOKEN, useValue: 'abc.def.ghi' },
        {
          provide: WEB_SOCKET_FACTORY,
          useValue: (url: string, protocols?: string[]) => {
            opened.push({ url, protocols });
            return new FakeWebSocket(url, protocols) as unknown as WebSocket;
          },
        },
      ],
    });
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
    TestBed.inject(SignalingClient).connect();
    await settle();
    expect(opened).toEqual([{ url: 'ws://duet.test/ws', protocols: ['duet', 'access_token.abc.def.ghi'] }]);
  });

  it('asks the embedding app for a fresh token on every connect when it provides one', async () => {
    const tokens = ['first.token.x', 'second.token.y'];
    const source = jest.fn(async () => tokens.shift() ?? null);
    TestBed.configureTestingModule({ providers: [provideAuthToken(source)] });
    const provided = TestBed.inject(AUTH_TOKEN_SOURCE);
    expect(await provided()).toBe('first.token.x');
    expect(await provided()).toBe('second.token.y');
    expect(source).toHaveBeenCalledTimes(2);
  });

  it('by default hands out the #access_token= the page was opened with, every time', async () => {
    TestBed.configureTestingModule({ providers: [{ provide: ACCESS_TOKEN, useValue: 'from.the.fragment' }] });
    const source = TestBed.inject(AUTH_TOKEN_SOURCE);
    expect([await source(), await source()]).toEqual(['from.the.fragment', 'from.the.fragment']);
  });
});
