import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

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
  /** Stops it (SIGTERM, or SIGKILL to crash it) and waits until it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port, empty (nothing is persisted). */
  start(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, nothing is answered, until `resume`. */
  pause(): void;
  /** Lets a paused server go on (SIGCONT): it then handles what was sent to it meanwhile. */
  resume(): void;
  output(): string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * A real redis-server on a free loopback port, for tests and benchmarks: no persistence, so a
 * restart starts empty, like a cache that lost its data. Stop it in `afterAll`.
 */
export async function startRedisServer(port?: number): Promise<RedisServer> {
  const binary = redisServerPath();
  const chosen = port ?? (await freePort());
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';

  const start = async (): Promise<void> => {
    const process = spawn(binary, ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = process;
    exited = new Promise((resolve) => process.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      };
      process.stdout?.on('data', onData);
      process.stderr?.on('data', onData);
      process.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
    });
  };

  await start();
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    output: () => output,
    start: () => start(),
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
