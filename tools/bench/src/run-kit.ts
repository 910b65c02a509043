/** What every phase of a run shares: the load generators, the servers' start-up, marks and tallies. */
import { join, resolve } from 'node:path';
import { Mark, TargetAddress } from './loadgen-rpc';
import { BenchOptions } from './options';
import { LoadGenerator, ServerKind, ServerProcess, startServer } from './processes';
import { summarize } from './stats';

export const BENCH_DIR = __dirname;
export const WORKSPACE = resolve(BENCH_DIR, '../../..');
export const SERVER_CORE = 0;
export const LOADGEN_CORE = 1;
const FIRST_SOURCE = 2;
const LAST_SOURCE = 254;

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
export const log = (text: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}`);

export interface Run {
  readonly options: BenchOptions;
  readonly loadgens: LoadGenerator[];
  /**
   * One more load-generator process per server, holding that server's online users (the idle
   * sockets) through the call-setup phase: 10,000 sockets on each of three servers would not fit
   * one process's file-descriptor limit. Empty when neither idle nor call setup is measured.
   */
  readonly holders: Partial<Record<ServerKind, LoadGenerator>>;
  readonly scratch: string;
}

/** Splits `total` over the load generators as evenly as whole numbers allow. */
export function share(total: number, parts: number, index: number): number {
  return Math.floor(total / parts) + (index < total % parts ? 1 : 0);
}

export function onAll<T>(run: Run, call: (loadgen: LoadGenerator, index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(run.loadgens.map(call));
}

function sourceAddresses(index: number, parts: number): string[] {
  const all = Array.from({ length: LAST_SOURCE - FIRST_SOURCE + 1 }, (_, i) => `127.0.0.${FIRST_SOURCE + i}`);
  return all.filter((_, i) => i % parts === index);
}

export function serverFor(
  run: Run,
  kind: ServerKind,
  label: string,
  options: { profile?: boolean; env?: Readonly<Record<string, string>>; core?: number } = {},
): Promise<ServerProcess> {
  const profile = options.profile ?? false;
  return startServer(kind, {
    workspaceRoot: WORKSPACE,
    benchDir: BENCH_DIR,
    core: run.options.pin ? (options.core ?? SERVER_CORE) : undefined,
    logFile: join(run.scratch, `${label}.log`),
    nodeFlags: profile
      ? ['--cpu-prof', '--cpu-prof-interval', '250', `--cpu-prof-dir=${run.scratch}`, `--cpu-prof-name=${label}.cpuprofile`, '-r', join(BENCH_DIR, 'profile-hook.js')]
      : [],
    ipc: profile,
    env: kind === 'duet' ? { ...run.options.duetEnv, ...options.env } : undefined,
    duetMain: run.options.duetMain,
  });
}

/**
 * Points the load generators at `targets` (name -> address), forgetting earlier ones; a holder
 * only at its own server, if that is among them. Every process binds its own source addresses.
 */
export async function aim(run: Run, targets: Record<string, TargetAddress>): Promise<void> {
  const holders = Object.entries(run.holders);
  const parts = run.loadgens.length + holders.length;
  const init = (loadgen: LoadGenerator, i: number, aimed: Record<string, TargetAddress>) =>
    loadgen.call('init', {
      targets: aimed,
      addresses: sourceAddresses(i, parts),
      perAddress: run.options.perAddress,
      verify: run.options.smoke ? 'full' : 'fast',
      tag: `g${i}`,
    });
  await Promise.all([
    ...run.loadgens.map((loadgen, i) => init(loadgen, i, targets)),
    ...holders.map(([kind, holder], h) => (kind in targets ? init(holder as LoadGenerator, run.loadgens.length + h, { [kind]: targets[kind] }) : undefined)),
  ]);
}

/**
 * Waits (at most `ms`) until every server has been asleep in its event loop at five polls in a row:
 * work a phase leaves behind, such as 30,000 disconnects, must not spill into the next phase. The
 * process state, not its CPU share, tells: on a loaded machine a busy server may get little CPU.
 */
export async function settled(servers: readonly ServerProcess[], ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (let calm = 0; calm < 5 && Date.now() < deadline; ) {
    await sleep(20);
    calm = servers.some((server) => server.runnable()) ? 0 : calm + 1;
  }
}

export interface Window {
  marks: Mark[];
  serverCpu: number;
  at: number;
}

/** Anything whose CPU time can be read: a server, or all the processes of a cluster. */
export interface CpuSource {
  cpuMicros(): number;
}

export async function mark(run: Run, server: CpuSource): Promise<Window> {
  const marks = await onAll(run, (loadgen) => loadgen.call('mark', {}));
  return { marks, serverCpu: server.cpuMicros(), at: Date.now() };
}

/** Measured slices of one phase for one server, summed. */
export class Tally {
  seconds = 0;
  count = 0;
  serverCpuMicros = 0;
  loadgenCpuMicros = 0;

  add(start: Window, end: Window, pick: (m: Mark) => number): void {
    this.seconds += (end.at - start.at) / 1000;
    this.count += start.marks.reduce((sum, m, i) => sum + pick(end.marks[i]) - pick(m), 0);
    this.serverCpuMicros += end.serverCpu - start.serverCpu;
    this.loadgenCpuMicros += start.marks.reduce((sum, m, i) => sum + end.marks[i].cpuMicros - m.cpuMicros, 0);
  }

  get perSecond(): number {
    return this.count / this.seconds;
  }

  cpuPct(micros: number): number {
    return (100 * micros) / (this.seconds * 1e6);
  }
}

/**
 * The `n`-th order of a run's slices over `kinds`: the rotations, then the same reversed (for
 * three servers, six orders in which each is first, second and third twice and follows each of the
 * others equally often). For two it is ABBA.
 */
export function rotation<K extends string>(kinds: readonly K[], n: number): readonly K[] {
  const m = kinds.length;
  const step = n % (2 * m);
  const rotated = [...kinds.slice(step % m), ...kinds.slice(0, step % m)];
  return step < m ? rotated : rotated.reverse();
}

/** ABBA: slice `s` runs the targets in `order`, the next one in reverse, and so on. */
export function sliceOrder<K extends string>(order: readonly K[], slice: number): readonly K[] {
  return slice % 2 === 0 ? order : [...order].reverse();
}

/**
 * One latency slice on `target`, spread over every load generator: its samples (µs), their p99 and
 * the rate achieved. By default over `latencyPairs` pairs at `latencyRate`; a load shape or the
 * cluster's unsaturated rates say otherwise.
 */
export async function latencySlice(
  run: Run,
  target: string,
  load: { pairs?: number; rate?: number; payload?: number } = {},
): Promise<{ samples: number[]; p99: number; achievedRate: number }> {
  const o = run.options;
  const k = run.loadgens.length;
  const results = await onAll(run, (lg, i) =>
    lg.call('latency', {
      target,
      pairs: share(load.pairs ?? o.latencyPairs, k, i),
      rate: (load.rate ?? o.latencyRate) / k,
      payload: load.payload,
      warmupMs: o.latencyWarmupMs,
      durationMs: o.latencySliceMs,
      drainMs: 10_000,
    }),
  );
  const samples = results.flatMap((r) => r.samples);
  return { samples, p99: summarize(Float64Array.from(samples)).p99, achievedRate: results.reduce((sum, r) => sum + r.achievedRate, 0) };
}
