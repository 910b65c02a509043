/**
 * Duet as a cluster: two instances sharing a redis-server, one load generator. The same relay load
 * runs over pairs whose two sockets are on one instance (`local`: the call is checked from the
 * instance's cache and delivered without Redis) and over pairs split across the two (`split`: every
 * message is published to the other instance's channel), in alternating slices of one run; the
 * ratios of the two are the figures to read.
 *
 * Throughput saturates: all three processes on the server core, so the cluster gets the CPU one
 * instance gets. Latency is measured below saturation (`clusterRates`, 1,000 and 5,000 msg/s), with
 * instance B moved to the load generator's core (A and Redis stay on the server core): on a 2-core
 * machine that is as close as it gets to a core each, and the generator, lightly loaded then,
 * shares B's.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Counters } from './loadgen-rpc';
import { RedisProcess, ServerProcess, startRedis, TASKSET } from './processes';
import { mergeCounters } from './report';
import { aim, CpuSource, LOADGEN_CORE, latencySlice, log, mark, onAll, Run, SERVER_CORE, serverFor, share, sleep, sliceOrder, Tally } from './run-kit';
import { median, summarize } from './stats';

export type ClusterPath = 'local' | 'split';

/** 10,000 logged-in sockets on instance A: its RSS per connection with the Redis registry, and Redis' memory per user. */
async function clusterIdle(run: Run, round: number, a: ServerProcess, redis: RedisProcess): Promise<ClusterRoundResult['idle']> {
  const o = run.options;
  const k = run.loadgens.length;
  log(`round ${round}: cluster idle capacity, ${o.idleConnections} logged-in sockets on one instance`);
  const rssBefore = a.rss();
  const redisBefore = redis.usedMemory();
  const idled = await onAll(run, (lg, i) => lg.call('idle', { target: 'local', count: share(o.idleConnections, k, i), concurrency: o.connectConcurrency }));
  const connections = idled.reduce((sum, r) => sum + r.connected, 0);
  await sleep(o.idleSettleMs);
  const idle = {
    connections,
    rssPerConnectionKiB: (a.rss() - rssBefore) / 1024 / Math.max(1, connections),
    redisBytesPerUser: (redis.usedMemory() - redisBefore) / Math.max(1, connections),
  };
  await onAll(run, (lg) => lg.call('close', { target: 'local', idleOnly: true }));
  return idle;
}

export interface RateLatency {
  /** Offered open-loop rate, msg/s. */
  rate: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  p99SliceMedianMs: number;
}

export interface PathResult {
  messagesPerSecond: number;
  /** Both instances and Redis together. */
  cpuMicrosPerMessage: number;
  /** One entry per `clusterRates` rate. */
  latency: RateLatency[];
}

export interface ClusterRoundResult {
  round: number;
  idle: {
    connections: number;
    /** Of the instance the sockets are on, with the Redis registry. */
    rssPerConnectionKiB: number;
    /** What Redis holds per logged-in user (name claim, presence, directory). */
    redisBytesPerUser: number;
  };
  local: PathResult;
  split: PathResult;
  /** Where the latency slices ran: instance B's core apart from A's and Redis', or all on one. */
  latencyLayout: string;
  counters: Counters;
}

/** Moves every thread of `pid` to `core` (a running process: the instance keeps its sockets). */
function repin(pid: number, core: number): boolean {
  try {
    execFileSync(TASKSET, ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function measureCluster(run: Run, round: number): Promise<ClusterRoundResult> {
  const o = run.options;
  const k = run.loadgens.length;
  const order: ClusterPath[] = round % 2 === 1 ? ['local', 'split'] : ['split', 'local'];
  const redis = await startRedis(o.pin ? SERVER_CORE : undefined, join(run.scratch, `redis-round${round}.log`));
  const instances: ServerProcess[] = [];
  try {
    for (const n of [1, 2]) instances.push(await serverFor(run, 'duet', `cluster${n}-round${round}`, { env: { REDIS_URL: redis.url } }));
    const [a, b] = instances;
    const cluster: CpuSource = { cpuMicros: () => a.cpuMicros() + b.cpuMicros() + redis.cpuMicros() };
    await aim(run, { local: { url: a.url, peerUrl: a.url }, split: { url: a.url, peerUrl: b.url } });
    await sleep(o.smoke ? 200 : 1_000);

    // Memory per connection moves little from round to round, and 10,000 logins through Redis take
    // a minute or more on a busy machine: the first round measures it.
    const idle = round === 1 ? await clusterIdle(run, round, a, redis) : { connections: 0, rssPerConnectionKiB: Number.NaN, redisBytesPerUser: Number.NaN };

    for (const path of order) {
      await onAll(run, (lg, i) => lg.call('pairs', { target: path, count: share(o.pairs, k, i), concurrency: 100 }));
    }

    log(`round ${round}: cluster throughput, ${o.pairs} pairs within one instance vs split across two, ${o.clusterThroughputSlices} slices each`);
    const throughput = { local: new Tally(), split: new Tally() };
    for (let slice = 0; slice < o.clusterThroughputSlices; slice++) {
      for (const path of sliceOrder(order, slice)) {
        await onAll(run, (lg) => lg.call('streamStart', { target: path, window: o.window, rate: o.perSocketRate }));
        await sleep(o.throughputWarmupMs);
        const start = await mark(run, cluster);
        await sleep(o.throughputSliceMs);
        throughput[path].add(start, await mark(run, cluster), (m) => m.delivered);
        await onAll(run, (lg) => lg.call('streamStop', { target: path, drainMs: 15_000 }));
      }
    }

    const moved = o.pin && repin(b.pid, LOADGEN_CORE);
    const latencyLayout = moved
      ? `instance A and Redis on core ${SERVER_CORE}, instance B on core ${LOADGEN_CORE} (shared with the load generator)`
      : o.pin
        ? `all three on core ${SERVER_CORE} (instance B could not be moved)`
        : 'not pinned';
    log(`round ${round}: cluster latency at ${o.clusterRates.join(' and ')} msg/s, ${o.clusterLatencySlices} slices each; ${latencyLayout}`);
    const latency: Record<ClusterPath, RateLatency[]> = { local: [], split: [] };
    for (const rate of o.clusterRates) {
      const samples: Record<ClusterPath, number[]> = { local: [], split: [] };
      const sliceP99: Record<ClusterPath, number[]> = { local: [], split: [] };
      for (let slice = 0; slice < o.clusterLatencySlices; slice++) {
        for (const path of sliceOrder(order, slice)) {
          const measured = await latencySlice(run, path, { rate });
          samples[path].push(...measured.samples);
          sliceP99[path].push(measured.p99);
        }
      }
      for (const path of order) {
        const s = summarize(Float64Array.from(samples[path]));
        latency[path].push({ rate, samples: s.count, p50Ms: s.p50 / 1000, p99Ms: s.p99 / 1000, p99SliceMedianMs: median(sliceP99[path]) / 1000 });
      }
    }

    const counters: Counters[] = [];
    for (const path of order) {
      await onAll(run, (lg) => lg.call('close', { target: path, idleOnly: false }));
      counters.push(...(await onAll(run, (lg) => lg.call('counters', { target: path }))));
    }
    const result = (path: ClusterPath): PathResult => ({
      messagesPerSecond: throughput[path].perSecond,
      cpuMicrosPerMessage: throughput[path].serverCpuMicros / Math.max(1, throughput[path].count),
      latency: latency[path],
    });
    const measured: ClusterRoundResult = { round, idle, local: result('local'), split: result('split'), latencyLayout, counters: mergeCounters(counters) };
    const p99s = (path: ClusterPath) => measured[path].latency.map((l) => `${l.p99Ms.toFixed(2)} ms at ${l.rate}/s`).join(', ');
    log(
      `round ${round}: cluster: local ${Math.round(measured.local.messagesPerSecond)} msg/s, p99 ${p99s('local')}; ` +
        `split ${Math.round(measured.split.messagesPerSecond)} msg/s, p99 ${p99s('split')}; ` +
        `${idle.rssPerConnectionKiB.toFixed(1)} KiB/conn, Redis ${Math.round(idle.redisBytesPerUser)} B/user, errors ${measured.counters.errors}`,
    );
    return measured;
  } finally {
    await onAll(run, (lg) => Promise.all([lg.call('close', { target: 'local', idleOnly: false }), lg.call('close', { target: 'split', idleOnly: false })])).catch(() => undefined);
    for (const instance of instances) await instance.stop();
    await redis.stop();
  }
}

/** Issue 27's aims for the cluster: split throughput ≥ 0.7 × within, split p99 ≤ within p99 + 2 ms at each unsaturated rate. */
export const CLUSTER_THROUGHPUT_AIM = 0.7;
export const CLUSTER_P99_EXTRA_AIM_MS = 2;

export interface RateSummary {
  rate: number;
  local: RateLatency;
  split: RateLatency;
  /** Median over rounds of (split p99 − local p99), ms. */
  p99ExtraMs: number;
}

export interface ClusterSummary {
  rounds: number;
  local: { messagesPerSecond: number; cpuMicrosPerMessage: number };
  split: { messagesPerSecond: number; cpuMicrosPerMessage: number };
  /** split / local relay throughput (aim ≥ 0.7). */
  throughputRatio: number;
  latency: RateSummary[];
  latencyLayout: string;
  rssPerConnectionKiB: number;
  redisBytesPerUser: number;
}

export function summarizeCluster(rounds: readonly ClusterRoundResult[]): ClusterSummary | undefined {
  if (rounds.length === 0) return undefined;
  const of = (get: (r: ClusterRoundResult) => number) => median(rounds.map(get));
  const throughputOf = (which: ClusterPath) => ({
    messagesPerSecond: of((r) => r[which].messagesPerSecond),
    cpuMicrosPerMessage: of((r) => r[which].cpuMicrosPerMessage),
  });
  const rates = rounds[0].local.latency.map((l) => l.rate);
  const at = (r: ClusterRoundResult, which: ClusterPath, rate: number) => r[which].latency.find((l) => l.rate === rate) as RateLatency;
  const rateOf = (which: ClusterPath, rate: number): RateLatency => ({
    rate,
    samples: of((r) => at(r, which, rate).samples),
    p50Ms: of((r) => at(r, which, rate).p50Ms),
    p99Ms: of((r) => at(r, which, rate).p99Ms),
    p99SliceMedianMs: of((r) => at(r, which, rate).p99SliceMedianMs),
  });
  return {
    rounds: rounds.length,
    local: throughputOf('local'),
    split: throughputOf('split'),
    // Ratios per round, then their median: each round's two paths shared the same machine moment.
    throughputRatio: of((r) => r.split.messagesPerSecond / r.local.messagesPerSecond),
    latency: rates.map((rate) => ({
      rate,
      local: rateOf('local', rate),
      split: rateOf('split', rate),
      p99ExtraMs: of((r) => at(r, 'split', rate).p99Ms - at(r, 'local', rate).p99Ms),
    })),
    latencyLayout: rounds[0].latencyLayout,
    rssPerConnectionKiB: of((r) => r.idle.rssPerConnectionKiB),
    redisBytesPerUser: of((r) => r.idle.redisBytesPerUser),
  };
}

const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–';
const signed = (value: number, digits: number) => `${value >= 0 ? '+' : '−'}${fixed(Math.abs(value), digits)}`;

/** The cluster's figures as Markdown rows (also printed as they are: they read well as text). */
export function renderCluster(summary: ClusterSummary): string {
  const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
  const rate = (n: number) => n.toLocaleString('en-US');
  return [
    '| cluster, 2 instances + Redis (median of rounds) | within one instance | split across two | split vs within | target | |',
    '|---|--:|--:|--:|---|---|',
    `| relay throughput (saturated, all on one core), msg/s | ${fixed(summary.local.messagesPerSecond, 0)} | ${fixed(summary.split.messagesPerSecond, 0)} | ${fixed(summary.throughputRatio, 2)} × | ≥ ${CLUSTER_THROUGHPUT_AIM} × | ${verdict(summary.throughputRatio >= CLUSTER_THROUGHPUT_AIM)} |`,
    `| CPU per relayed msg (both instances + Redis), µs | ${fixed(summary.local.cpuMicrosPerMessage, 1)} | ${fixed(summary.split.cpuMicrosPerMessage, 1)} | ${fixed(summary.split.cpuMicrosPerMessage / summary.local.cpuMicrosPerMessage, 2)} × | | |`,
    ...summary.latency.flatMap((l) => [
      `| latency p50 at ${rate(l.rate)} msg/s, ms | ${fixed(l.local.p50Ms, 2)} | ${fixed(l.split.p50Ms, 2)} | ${signed(l.split.p50Ms - l.local.p50Ms, 2)} ms | | |`,
      `| latency p99 at ${rate(l.rate)} msg/s, ms | ${fixed(l.local.p99Ms, 2)} | ${fixed(l.split.p99Ms, 2)} | ${signed(l.p99ExtraMs, 2)} ms | ≤ +${CLUSTER_P99_EXTRA_AIM_MS} ms | ${verdict(l.p99ExtraMs <= CLUSTER_P99_EXTRA_AIM_MS)} |`,
    ]),
    `| idle RSS per logged-in connection, Redis on, KiB | ${fixed(summary.rssPerConnectionKiB, 1)} | | | | |`,
    `| Redis memory per logged-in user, bytes | ${fixed(summary.redisBytesPerUser, 0)} | | | | |`,
  ].join('\n');
}
