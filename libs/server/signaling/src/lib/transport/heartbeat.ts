import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { admitsWrite } from './backlog';

/**
 * The `ws` README's heartbeat, spread out: each socket has its own timer, first fired at a random
 * point of the interval, so pings (and the burst of pongs) never go to every socket in one tick.
 * A socket that has not answered the previous ping is gone (half-open TCP, sleeping laptop) and is
 * terminated, which ends its call. Detection takes at most two intervals.
 *
 * Only the pong that echoes the last ping's random payload counts as an answer (RFC 6455 makes
 * peers echo it): unsolicited pongs, which any client can send without reading a byte, prove
 * nothing. Returns the function that stops it (also stopped when the socket closes).
 */
export function keepAlive(socket: WebSocket, intervalMs: number): () => void {
  let awaited: Buffer | undefined;
  socket.on('pong', (data: Buffer) => {
    if (awaited !== undefined && data.equals(awaited)) awaited = undefined;
  });
  const beat = () => {
    if (awaited !== undefined || !admitsWrite(socket)) {
      socket.terminate();
      return;
    }
    awaited = randomBytes(4);
    socket.ping(awaited);
    timer = setTimeout(beat, intervalMs).unref();
  };
  let timer = setTimeout(beat, Math.random() * intervalMs).unref();
  const stop = () => clearTimeout(timer);
  socket.once('close', stop);
  return stop;
}
