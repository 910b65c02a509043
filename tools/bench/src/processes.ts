/** Starting, pinning, watching and stopping the servers and the load-generator processes. */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join, resolve as resolvePath } from 'node:path';
import { CommandName, Commands, Reply, Request } from './loadgen-rpc';

/** Duet; the plain raw `ws` relay; the same relay with Duet's per-tick write batching (`CORK=1`). */
export type ServerKind = 'duet' | 'raw' | 'corked';
export const SERVER_KINDS: readonly ServerKind[] = ['duet', 'raw', 'corked'];

/** Every child still running; killed if the benchmark exits early (error, Ctrl-C, watchdog). */
const children = new Set<ChildProcess>();
process.once('exit', () => children.forEach((child) => child.kill('SIGKILL')));

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export const TASKSET = '/usr/bin/taskset';

/** Pinning needs `taskset` and two cores: the server gets core 0, the load generator core 1. */
export function canPin(): boolean {
  return existsSync(TASKSET) && availableCores() >= 2;
}

export function availableCores(): number {
  try {
    return Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    return 1;
  }
}

function pinned(core: number | undefined, argv: string[]): [string, string[]] {
  return core === undefined ? [argv[0], argv.slice(1)] : [TASKSET, ['-c', String(core), ...argv]];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface ServerProcess {
  readonly kind: ServerKind;
  readonly pid: number;
  readonly url: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Resident set size, bytes (VmRSS). */
  rss(): number;
  /** User + system CPU time of all its threads, microseconds. */
  cpuMicros(): number;
  /** Whether its main thread is running or waiting for a core (state R), not asleep in the event loop. */
  runnable(): boolean;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  readonly workspaceRoot: string;
  readonly benchDir: string;
  readonly core: number | undefined;
  readonly logFile: string;
  /** Extra node flags (profiling); the server itself is started exactly as in production. */
  readonly nodeFlags?: readonly string[];
  readonly ipc?: boolean;
  /** Extra environment (diagnostics only: the benchmark's figures are for the default config). */
  readonly env?: Readonly<Record<string, string>>;
  /** Duet's entry point (default: the workspace's production build), to measure another build. */
  readonly duetMain?: string;
}

export const DEFAULT_DUET_MAIN = 'dist/apps/server/main.js';

/**
 * Duet: the production build, `PORT` and `HOST` only (default config). The raw and the corked
 * relay: one script, `CORK=1` for the corked one. All log to a file (a slow pipe reader must not
 * throttle the server).
 */
export async function startServer(kind: ServerKind, options: StartServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const script =
    kind === 'duet' ? resolvePath(options.workspaceRoot, options.duetMain ?? DEFAULT_DUET_MAIN) : join(options.benchDir, 'raw-relay.js');
  if (!existsSync(script)) {
    throw new Error(`${script} is missing: build it first (NX_DAEMON=false npx nx build ${kind === 'duet' ? 'server' : 'bench'})`);
  }
  const modeEnv = kind === 'corked' ? { CORK: '1' } : {};
  const log = openSync(options.logFile, 'a');
  const [command, args] = pinned(options.core, [process.execPath, ...(options.nodeFlags ?? []), script]);
  const child = track(spawn(command, args, {
    cwd: options.workspaceRoot,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...options.env, ...modeEnv, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', log, log, ...(options.ipc ? ['ipc' as const] : [])],
  }));
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${kind}`);
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  await waitForPort(port, 30_000, () => exited);
  return {
    kind,
    pid,
    url: `ws://127.0.0.1:${port}/ws`,
    logFile: options.logFile,
    child,
    rss: () => {
      const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
      return line ? Number(line[1]) * 1024 : Number.NaN;
    },
    cpuMicros: () => cpuMicrosOf(pid),
    runnable: () => !exited && stateOf(pid) === 'R',
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

async function waitForPort(port: number, timeoutMs: number, gaveUp: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gaveUp()) throw new Error(`the server exited before listening on ${port}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listened on ${port} within ${timeoutMs} ms`);
}

/** One load-generator process, driven by request/reply messages over IPC. */
export class LoadGenerator {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(`load generator: ${reply.error}`));
    });
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        for (const waiter of this.pending.values()) waiter.reject(new Error(`load generator exited (${code})`));
        this.pending.clear();
        resolve();
      }),
    );
  }

  /**
   * `BENCH_LOADGEN_NODE_FLAGS` (a diagnostic, e.g. `--cpu-prof --cpu-prof-dir=/tmp/lg`): node flags
   * for the load-generator processes, to see where the generator's own time goes.
   */
  static start(benchDir: string, core: number | undefined): LoadGenerator {
    const flags = (process.env['BENCH_LOADGEN_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
    const [command, args] = pinned(core, [process.execPath, ...flags, join(benchDir, 'loadgen.js')]);
    return new LoadGenerator(track(spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call<C extends CommandName>(cmd: C, args: Commands[C][0]): Promise<Commands[C][1]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, cmd, args } satisfies Request<C>);
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** The state letter of process `pid` (R running or runnable, S sleeping, ...), from /proc. */
function stateOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2);
  } catch {
    return 'X';
  }
}

/** CPU time (user + system) of process `pid`, microseconds, from /proc. */
export function cpuMicrosOf(pid: number): number {
  // fields[11], fields[12]: utime, stime (fields 14 and 15 of proc(5), counted from state).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
}

export interface RedisProcess {
  readonly url: string;
  readonly pid: number;
  cpuMicros(): number;
  /** `used_memory` from INFO: what Redis holds for the data, bytes. */
  usedMemory(): number;
  stop(): Promise<void>;
}

/**
 * redis-server on a free loopback port, nothing persisted, pinned like the servers (the cluster's
 * cost includes Redis' own). Debian's package; `REDIS_SERVER_PATH` points elsewhere.
 */
export async function startRedis(core: number | undefined, logFile: string): Promise<RedisProcess> {
  const binary = process.env['REDIS_SERVER_PATH'] ?? '/usr/bin/redis-server';
  if (!existsSync(binary)) throw new Error(`redis-server not found at ${binary}: apt-get install redis-server (the cluster phase needs it)`);
  const port = await freePort();
  const log = openSync(logFile, 'a');
  const [command, args] = pinned(core, [binary, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  const child = track(spawn(command, args, { stdio: ['ignore', log, log] }));
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start redis-server');
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  await waitForPort(port, 10_000, () => exited);
  return {
    url: `redis://127.0.0.1:${port}`,
    pid,
    cpuMicros: () => cpuMicrosOf(pid),
    usedMemory: () => {
      try {
        const info = execFileSync('redis-cli', ['-p', String(port), 'info', 'memory'], { encoding: 'utf8' });
        return Number(info.match(/^used_memory:(\d+)/m)?.[1] ?? Number.NaN);
      } catch {
        return Number.NaN;
      }
    },
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      await exit;
    },
  };
}
