/**
 * Duet as a cluster: two instances sharing a redis-server (all three on the server core), one load
 * generator. The same relay load runs over pairs whose two sockets are on one instance (`local`:
 * the call is checked from the instance's cache and delivered without Redis) and over pairs split
 * across the two (`split`: every message is published to the other instance's channel), in
 * alternating slices of one run; the ratios of the two are the figures to read.
 */
import { join } from 'node:path';
import { Counters } from './loadgen-rpc';
import { ServerProcess, startRedis } from './processes';
import { mergeCounters } from './report';
import { aim, CpuSource, latencySlice, log, mark, onAll, Run, SERVER_CORE, serverFor, share, sleep, sliceOrder, Tally } from './run-kit';
import { median, summarize } from './stats';

export type ClusterPath = 'local' | 'split';

export interface PathResult {
  messagesPerSecond: number;
  /** Both instances and Redis together. */
  cpuMicrosPerMessage: number;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  p99SliceMedianMs: number;
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
  counters: Counters;
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

    log(`round ${round}: cluster latency at ${o.latencyRate} msg/s, ${o.clusterLatencySlices} slices each`);
    const samples: Record<ClusterPath, number[]> = { local: [], split: [] };
    const sliceP99: Record<ClusterPath, number[]> = { local: [], split: [] };
    for (let slice = 0; slice < o.clusterLatencySlices; slice++) {
      for (const path of sliceOrder(order, slice)) {
        const measured = await latencySlice(run, path);
        samples[path].push(...measured.samples);
        sliceP99[path].push(measured.p99);
      }
    }

    const counters: Counters[] = [];
    for (const path of order) {
      await onAll(run, (lg) => lg.call('close', { target: path, idleOnly: false }));
      counters.push(...(await onAll(run, (lg) => lg.call('counters', { target: path }))));
    }
    const result = (path: ClusterPath): PathResult => {
      const latency = summarize(Float64Array.from(samples[path]));
      return {
        messagesPerSecond: throughput[path].perSecond,
        cpuMicrosPerMessage: throughput[path].serverCpuMicros / Math.max(1, throughput[path].count),
        samples: latency.count,
        p50Ms: latency.p50 / 1000,
        p99Ms: latency.p99 / 1000,
        p99SliceMedianMs: median(sliceP99[path]) / 1000,
      };
    };
    const measured: ClusterRoundResult = { round, idle, local: result('local'), split: result('split'), counters: mergeCounters(counters) };
    log(
      `round ${round}: cluster: local ${Math.round(measured.local.messagesPerSecond)} msg/s, p99 ${measured.local.p99Ms.toFixed(2)} ms; ` +
        `split ${Math.round(measured.split.messagesPerSecond)} msg/s, p99 ${measured.split.p99Ms.toFixed(2)} ms; ` +
        `${idle.rssPerConnectionKiB.toFixed(1)} KiB/conn, Redis ${Math.round(idle.redisBytesPerUser)} B/user, errors ${measured.counters.errors}`,
    );
    return measured;
  } finally {
    await onAll(run, (lg) => Promise.all([lg.call('close', { target: 'local', idleOnly: false }), lg.call('close', { target: 'split', idleOnly: false })])).catch(() => undefined);
    for (const instance of instances) await instance.stop();
    await redis.stop();
  }
}

export interface ClusterSummary {
  rounds: number;
  local: PathResult;
  split: PathResult;
  /** split / local relay throughput (target ≥ 0.5). */
  throughputRatio: number;
  /** split p99 − local p99, ms (target ≤ 2). */
  p99ExtraMs: number;
  rssPerConnectionKiB: number;
  redisBytesPerUser: number;
}

export function summarizeCluster(rounds: readonly ClusterRoundResult[]): ClusterSummary | undefined {
  if (rounds.length === 0) return undefined;
  const path = (which: ClusterPath): PathResult => {
    const of = (get: (r: PathResult) => number) => median(rounds.map((r) => get(r[which])));
    return {
      messagesPerSecond: of((r) => r.messagesPerSecond),
      cpuMicrosPerMessage: of((r) => r.cpuMicrosPerMessage),
      samples: of((r) => r.samples),
      p50Ms: of((r) => r.p50Ms),
      p99Ms: of((r) => r.p99Ms),
      p99SliceMedianMs: of((r) => r.p99SliceMedianMs),
    };
  };
  return {
    rounds: rounds.length,
    local: path('local'),
    split: path('split'),
    // Ratios per round, then their median: each round's two paths shared the same machine moment.
    throughputRatio: median(rounds.map((r) => r.split.messagesPerSecond / r.local.messagesPerSecond)),
    p99ExtraMs: median(rounds.map((r) => r.split.p99Ms - r.local.p99Ms)),
    rssPerConnectionKiB: median(rounds.map((r) => r.idle.rssPerConnectionKiB)),
    redisBytesPerUser: median(rounds.map((r) => r.idle.redisBytesPerUser)),
  };
}

const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–';

/** The cluster's figures as Markdown rows (also printed as they are: they read well as text). */
export function renderCluster(summary: ClusterSummary): string {
  const verdict = (pass: boolean) => (pass ? 'PASS' : 'FAIL');
  return [
    '| cluster, 2 instances + Redis (median of rounds) | within one instance | split across two | split vs within | target | |',
    '|---|--:|--:|--:|---|---|',
    `| relay throughput, msg/s | ${fixed(summary.local.messagesPerSecond, 0)} | ${fixed(summary.split.messagesPerSecond, 0)} | ${fixed(summary.throughputRatio, 2)} × | ≥ 0.5 × | ${verdict(summary.throughputRatio >= 0.5)} |`,
    `| CPU per relayed msg (both instances + Redis), µs | ${fixed(summary.local.cpuMicrosPerMessage, 1)} | ${fixed(summary.split.cpuMicrosPerMessage, 1)} | ${fixed(summary.split.cpuMicrosPerMessage / summary.local.cpuMicrosPerMessage, 2)} × | | |`,
    `| latency p50 at fixed rate, ms | ${fixed(summary.local.p50Ms, 2)} | ${fixed(summary.split.p50Ms, 2)} | +${fixed(summary.split.p50Ms - summary.local.p50Ms, 2)} ms | | |`,
    `| latency p99 at fixed rate, ms | ${fixed(summary.local.p99Ms, 2)} | ${fixed(summary.split.p99Ms, 2)} | +${fixed(summary.p99ExtraMs, 2)} ms | ≤ +2 ms | ${verdict(summary.p99ExtraMs <= 2)} |`,
    `| latency p99, median of slices, ms | ${fixed(summary.local.p99SliceMedianMs, 2)} | ${fixed(summary.split.p99SliceMedianMs, 2)} | | | |`,
    `| idle RSS per logged-in connection, Redis on, KiB | ${fixed(summary.rssPerConnectionKiB, 1)} | | | | |`,
    `| Redis memory per logged-in user, bytes | ${fixed(summary.redisBytesPerUser, 0)} | | | | |`,
  ].join('\n');
}
