import { writeSync } from 'node:fs';
import pino from 'pino';

/** How long a log line may wait for others to be written with it, ms. */
export const LOG_BATCH_MS = 50;
/** Lines waiting past this many characters are written at once. */
export const LOG_BATCH_CHARS = 16 * 1024;

/** Where pino writes lines: `write` one at a time; `flushSync` writes everything still held. */
export interface BatchedLogDestination {
  write(line: string): void;
  flushSync(): void;
}

type Sink = Pick<pino.DestinationStream, 'write'> & { flushSync(): void };

/**
 * JSON log lines, written asynchronously in batches of at most `LOG_BATCH_MS`. Each `fs.write` is
 * a system call and a trip to libuv's thread pool; `pino.destination` alone writes a line at once
 * unless a write is already in flight, so at a few hundred logins a second nearly every line was
 * its own write, about a tenth of a call set-up's CPU (bench profile, December 2026). Lines still
 * held when the process exits are written synchronously.
 */
export function batchedLogDestination(
  sink: Sink = pino.destination({ dest: 1, sync: false }),
  batchMs = LOG_BATCH_MS,
  /** Writes at exit, when no asynchronous write would finish (stdout by default). */
  writeNow: (text: string) => void = (text) => void writeSync(1, text),
): BatchedLogDestination {
  let held = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const release = () => {
    clearTimeout(timer);
    timer = undefined;
    const lines = held;
    held = '';
    if (lines.length > 0) sink.write(lines);
  };
  const destination: BatchedLogDestination = {
    write(line: string): void {
      held += line;
      if (held.length >= LOG_BATCH_CHARS) release();
      else if (timer === undefined) {
        timer = setTimeout(release, batchMs);
        // A line waiting must not keep the process alive; what is held is written at exit.
        timer.unref();
      }
    },
    flushSync(): void {
      clearTimeout(timer);
      timer = undefined;
      // What the sink holds was logged first; handing it `held` now would start an asynchronous write.
      sink.flushSync();
      if (held.length > 0) writeNow(held);
      held = '';
    },
  };
  heldAtExit.add(destination);
  return destination;
}

/** Every destination, flushed by one `exit` listener (apps made over and over in tests add none). */
const heldAtExit = new Set<BatchedLogDestination>();
process.once('exit', () => heldAtExit.forEach((destination) => destination.flushSync()));
