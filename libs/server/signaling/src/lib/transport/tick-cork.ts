import type { Duplex } from 'node:stream';

/** Streams corked in this tick, uncorked together once it is over. */
const corked: Duplex[] = [];

function uncorkAll(): void {
  // A write while uncorking may cork another stream: it is appended here and uncorked too.
  for (const stream of corked) stream.uncork();
  corked.length = 0;
}

/**
 * Holds `stream`'s writes until the current tick's work is done, so several frames for one client
 * leave in one `writev` instead of one system call each. Nothing waits past the tick and order is
 * kept. One `process.nextTick` uncorks every stream corked in the tick: with many clients written
 * to per tick (8 candidates in flight on each of 100 sockets), one scheduled callback per stream
 * cost more than the batching saved.
 */
export function corkUntilTickEnds(stream: Duplex): void {
  // `ws` corks a stream only synchronously inside one send: outside a send, a cork is ours.
  if (stream.writableCorked !== 0) return;
  stream.cork();
  if (corked.push(stream) === 1) process.nextTick(uncorkAll);
}
