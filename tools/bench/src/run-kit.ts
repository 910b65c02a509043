/** What every phase of a run shares: the load generators, the servers' start-up, marks and tallies. */
import { join, resolve } from 'node:path';
import { Mark, TargetAddress } from './loadgen-rpc';
import { BenchOptions } from './options';
import { LoadGenerator, ServerKind, ServerProcess, startServer } from './processes';

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

export function serverFor(run: Run, kind: ServerKind, label: string, options: { profile?: boolean; env?: Record<string, string> } = {}): Promise<ServerProcess> {
  const profile = options.profile ?? false;
  return startServer(kind, {
    workspaceRoot: WORKSPACE,
    benchDir: BENCH_DIR,
    core: run.options.pin ? SERVER_CORE : undefined,
    logFile: join(run.scratch, `${label}.log`),
    nodeFlags: profile
      ? ['--cpu-prof', '--cpu-prof-interval', '250', `--cpu-prof-dir=${run.scratch}`, `--cpu-prof-name=${label}.cpuprofile`, '-r', join(BENCH_DIR, 'profile-hook.js')]
      : [],
    ipc: profile,
    env: kind === 'duet' ? { ...run.options.duetEnv, ...options.env } : undefined,
  });
}

/** Points the load generators at `targets` (name -> address), forgetting earlier ones. */
export async function aim(run: Run, targets: Record<string, TargetAddress>): Promise<void> {
  await onAll(run, (loadgen, i) =>
    loadgen.call('init', {
      targets,
      addresses: sourceAddresses(i, run.loadgens.length),
      perAddress: run.options.perAddress,
      verify: run.options.smoke ? 'full' : 'fast',
      tag: `g${i}`,
    }),
  );
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

/** ABBA: slice `s` runs the targets in `order`, the next one in reverse, and so on. */
export function sliceOrder<K extends string>(order: readonly K[], slice: number): readonly K[] {
  return slice % 2 === 0 ? order : [...order].reverse();
}
