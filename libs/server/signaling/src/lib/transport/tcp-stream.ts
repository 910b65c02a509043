import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

const STREAM = Symbol('tcp stream');

type WithStream = WebSocket & { [STREAM]?: Duplex };

/**
 * Keeps the TCP (or TLS) stream a client's WebSocket writes to, so that writes can be batched
 * (`Session`) without reaching into `ws`'s private `_socket`. It is the upgrade request's socket:
 * `ws` takes that stream over, and its `connection` event hands the request over with the socket.
 */
export function keepTcpStream(socket: WebSocket, request: IncomingMessage): void {
  (socket as WithStream)[STREAM] = request.socket;
}

/** The stream `keepTcpStream` kept for `socket`; undefined for a socket the adapter never saw. */
export function tcpStreamOf(socket: WebSocket): Duplex | undefined {
  return (socket as WithStream)[STREAM];
}
