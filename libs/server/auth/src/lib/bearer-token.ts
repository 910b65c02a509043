import type { IncomingMessage } from 'node:http';

/**
 * The subprotocol prefix that carries a token from a browser: browsers cannot set an
 * `Authorization` header on a WebSocket, so the web app opens it with the protocols
 * `["duet", "access_token.<JWT>"]` and the server answers with `duet` (never echoing the token).
 */
export const TOKEN_SUBPROTOCOL_PREFIX = 'access_token.';
export const DUET_SUBPROTOCOL = 'duet';

/**
 * Finds the bearer token of an upgrade request: the `access_token.` subprotocol, an
 * `Authorization: Bearer` header (non-browser clients), or the `access_token` query parameter.
 */
export function bearerToken(request: IncomingMessage): string | undefined {
  const protocols = request.headers['sec-websocket-protocol'];
  if (protocols) {
    for (const protocol of protocols.split(',')) {
      const trimmed = protocol.trim();
      if (trimmed.startsWith(TOKEN_SUBPROTOCOL_PREFIX)) return trimmed.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
    }
  }
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length).trim();
  const query = new URL(request.url ?? '/', 'http://upgrade.invalid').searchParams.get('access_token');
  return query ?? undefined;
}
