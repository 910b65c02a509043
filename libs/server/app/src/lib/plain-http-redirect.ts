import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { Server as TlsServer } from 'node:tls';
import type { Socket } from 'node:net';

/** The first byte of every TLS connection: a handshake record. */
const TLS_HANDSHAKE = 0x16;
/** What a Host header may hold: a name or an address, and a port. Anything else gets no redirect. */
const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * With TLS on, someone who types `http://` before the address (or follows an old link) reaches the
 * HTTPS port in plain HTTP, and the TLS server would drop it without a word: the browser shows an
 * empty response. Here the first byte of each connection decides: a TLS handshake goes to the TLS
 * server as before; anything else is answered in plain HTTP with a redirect to the same host and
 * path over https (301), and a short page saying so. A connection that sends nothing is closed
 * after `deadlineMs` (the TLS server's own handshake timeout only starts once it has the socket).
 * Call right after the server is created, before anything else listens for its connections.
 */
export function redirectPlainHttpToHttps(server: TlsServer, deadlineMs: number): void {
  // The TLS server's own listener, registered in its constructor before any other.
  const [tlsConnectionListener] = server.listeners('connection') as ((socket: Socket) => void)[];
  if (tlsConnectionListener === undefined) throw new Error('not a TLS server: it has no connection listener');
  const plain = createServer(redirect);
  server.removeListener('connection', tlsConnectionListener);
  server.prependListener('connection', (socket: Socket) => {
    const deadline = setTimeout(() => socket.destroy(), deadlineMs);
    deadline.unref();
    socket.once('close', () => clearTimeout(deadline));
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      // Given back, the bytes are read again by whoever takes the socket (TLS reads a socket's buffered data first).
      socket.unshift(chunk);
      if (chunk[0] === TLS_HANDSHAKE) {
        clearTimeout(deadline);
        tlsConnectionListener.call(server, socket);
        return;
      }
      plain.emit('connection', socket);
      socket.resume();
    });
  });
}

function redirect(request: IncomingMessage, response: ServerResponse): void {
  const host = request.headers.host ?? '';
  const path = request.url?.startsWith('/') ? request.url : '/';
  response.setHeader('Connection', 'close');
  response.setHeader('Content-Type', 'text/html; charset=utf-8');
  if (!HOST.test(host)) {
    response.statusCode = 400;
    response.end(page('<p>This server speaks <strong>https</strong> only: open it with <code>https://</code> before its address.</p>'));
    return;
  }
  const target = `https://${host}${path}`;
  response.statusCode = 301;
  response.setHeader('Location', target);
  response.end(page(`<p>This server speaks <strong>https</strong> only: open <a href="${escapeHtml(target)}">${escapeHtml(target)}</a>.</p>`));
}

function page(body: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Use https</title>${body}</html>\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
