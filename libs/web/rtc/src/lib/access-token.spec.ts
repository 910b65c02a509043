import { TestBed } from '@angular/core/testing';
import { ACCESS_TOKEN, SIGNALING_URL, WEB_SOCKET_FACTORY, signalingProtocols, takeAccessToken } from './rtc-environment';
import { SignalingClient } from './signaling-client.service';

describe('access token (JWT mode)', () => {
  afterEach(() => {
    TestBed.resetTestingModule();
    window.history.replaceState(null, '', '/');
  });

  it('reads #access_token= from the page and removes it from the address bar', () => {
    window.history.replaceState(null, '', '/call?x=1#access_token=header.payload.signature');
    expect(takeAccessToken(document)).toBe('header.payload.signature');
    expect(window.location.hash).toBe('');
    expect(window.location.pathname + window.location.search).toBe('/call?x=1');
  });

  it('finds no token on a page opened without one', () => {
    window.history.replaceState(null, '', '/#other=1');
    expect(takeAccessToken(document)).toBeNull();
    expect(window.location.hash).toBe('#other=1');
  });

  it('offers the token as a subprotocol next to duet, and nothing without a token', () => {
    expect(signalingProtocols('abc.def.ghi')).toEqual(['duet', 'access_token.abc.def.ghi']);
    expect(signalingProtocols(null)).toBeUndefined();
  });

  it('opens the signaling socket with those subprotocols', () => {
    const opened: { url: string; protocols?: string[] }[] = [];
    TestBed.configureTestingModule({
      providers: [
        { provide: SIGNALING_URL, useValue: 'ws://duet.test/ws' },
        { provide: ACCESS_TOKEN, useValue: 'abc.def.ghi' },
        {
          provide: WEB_SOCKET_FACTORY,
          useValue: (url: string, protocols?: string[]) => {
            opened.push({ url, protocols });
            return { readyState: 0, close: () => undefined } as unknown as WebSocket;
          },
        },
      ],
    });
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
    TestBed.inject(SignalingClient).connect();
    expect(opened).toEqual([{ url: 'ws://duet.test/ws', protocols: ['duet', 'access_token.abc.def.ghi'] }]);
  });
});
