import { ChildProcess } from 'node:child_process';

/** Whether `child` still runs: it has neither exited nor been ended by a signal. */
export function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Resolves when `child` has exited (at once if it already has). */
export function exitOf(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Sends `signal` and waits until `child` has exited; if it still runs after `graceMs`, SIGKILL.
 * Nothing to do when it has exited already.
 */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
  if (!isRunning(child)) return;
  const exited = exitOf(child);
  child.kill(signal);
  const force = signal === 'SIGKILL' ? undefined : setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(force);
}

/** Everything a child prints (stdout and stderr, in arrival order), and a wait for a given text. */
export interface CapturedOutput {
  text(): string;
  /** Resolves once the output contains `text`; rejects after `timeoutMs`, or once the child has exited without printing it. */
  waitFor(text: string, timeoutMs: number): Promise<void>;
}

export function captureOutput(child: ChildProcess, name: string): CapturedOutput {
  let output = '';
  // 'close', not 'exit': by then both streams have ended, so nothing it printed is still on its way.
  let closed = false;
  const listeners = new Set<() => void>();
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk) => {
      output += chunk;
      listeners.forEach((listener) => listener());
    });
  }
  child.once('close', () => {
    closed = true;
    listeners.forEach((listener) => listener());
  });
  const waitFor = (text: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const finish = (error?: Error) => {
        clearTimeout(timer);
        listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (output.includes(text)) finish();
        else if (closed) finish(new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it printed "${text}":\n${output}`));
      };
      const timer = setTimeout(() => finish(new Error(`${name} did not print "${text}" within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      listeners.add(check);
      check();
    });
  return { text: () => output, waitFor };
}
