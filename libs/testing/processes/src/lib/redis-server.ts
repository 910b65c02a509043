import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { captureOutput, CapturedOutput, isRunning, stopChild } from './child';
import { freePort } from './free-port';

/** Debian's redis-server (`apt-get install redis-server`); `REDIS_SERVER_PATH` points elsewhere. */
export function redisServerPath(): string {
  const path = process.env['REDIS_SERVER_PATH'] ?? '/usr/bin/redis-server';
  if (!existsSync(path)) {
    // A missing binary fails the run, in CI or not: a green run must mean Redis was really used.
    throw new Error(
      `${process.env['CI'] ? 'CI: ' : ''}redis-server not found at ${path}. The cluster tests need it: ` +
        'apt-get install -y redis-server (or set REDIS_SERVER_PATH). They are not skipped.',
    );
  }
  return path;
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** The running process' id (it changes with each `start`). */
  pid(): number | undefined;
  /** Stops it (SIGTERM, or SIGKILL to crash it) and waits until it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port, empty (nothing is persisted). */
  start(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, nothing is answered, until `resume`. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT): it then handles what was sent to it meanwhile. */
  resume(): void;
  /** Everything it printed since the last `start`. */
  output(): string;
}

/**
 * A real redis-server on a free loopback port (or `port`), for tests: no persistence, so a restart
 * starts empty, like a cache that lost its data. Stop it in `afterAll`.
 */
export async function startRedisServer(port?: number): Promise<RedisServer> {
  const binary = redisServerPath();
  const chosen = port ?? (await freePort());
  let child: ChildProcess | undefined;
  let output: CapturedOutput | undefined;

  const start = async (): Promise<void> => {
    const args = ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'];
    child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    output = captureOutput(child, 'redis-server');
    try {
      await output.waitFor('Ready to accept connections', 20_000);
    } catch (error) {
      await stopChild(child, 'SIGKILL');
      throw error;
    }
  };

  await start();
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    pid: () => child?.pid,
    output: () => output?.text() ?? '',
    start,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    // A paused server would never see the signal: let it go on first.
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (!child || !isRunning(child)) return;
      if (signal !== 'SIGKILL') child.kill('SIGCONT');
      await stopChild(child, signal);
    },
  };
}
