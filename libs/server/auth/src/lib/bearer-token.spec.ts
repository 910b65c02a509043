import type { IncomingMessage } from 'node:http';
import { bearerToken } from './bearer-token';

const upgrade = (url: string, headers: Record<string, string> = {}) => ({ url, headers }) as unknown as IncomingMessage;

describe(bearerToken.name, () => {
  it('takes the token from the access_token. subprotocol first', () => {
    const request = upgrade('/ws?access_token=from-query', {
      'sec-websocket-protocol': 'duet, access_token.from.subprotocol',
      authorization: 'Bearer from-header',
    });
    expect(bearerToken(request)).toBe('from.subprotocol');
  });

  it('falls back to an Authorization: Bearer header, then to ?access_token=', () => {
    expect(bearerToken(upgrade('/ws?access_token=q', { authorization: 'Bearer h.e.ader' }))).toBe('h.e.ader');
    expect(bearerToken(upgrade('/ws?access_token=q.u.ery'))).toBe('q.u.ery');
  });

  it('finds nothing when no place carries a token', () => {
    expect(bearerToken(upgrade('/ws', { 'sec-websocket-protocol': 'duet', authorization: 'Basic abc' }))).toBeUndefined();
  });
});
