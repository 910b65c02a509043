/**
 * One round: fresh Duet, raw and corked relays, all three up at once; every phase loads one of
 * them at a time, in slices whose order rotates (`rotation`), so the three see the same machine.
 *
 * Phases run in this order: idle capacity (each server's online users are connected by its
 * holder process and stay connected), call setup (with those users online), then the pairs for
 * relay throughput and latency (the online users gone, as before call setup was moved).
 */
import { Phase } from './options';
import { SERVER_KINDS, ServerKind, ServerProcess } from './processes';
import { mergeCounters, RoundResult } from './report';
import { aim, latencySlice, log, mark, onAll, rotation, Run, serverFor, settled, share, sleep, Tally, Window } from './run-kit';
import { median, summarize } from './stats';

type PerServer<T> = Record<ServerKind, T>;
const perServer = <T>(make: () => T): PerServer<T> => ({ duet: make(), raw: make(), corked: make() });

export async function measureRound(run: Run, round: number): Promise<RoundResult[]> {
  const o = run.options;
  const has = (phase: Phase) => o.phases.includes(phase);
  // Each round starts a server later than the last one did: the first slice of each phase too.
  const order = rotation(SERVER_KINDS, round - 1);
  const servers = {} as PerServer<ServerProcess>;
  try {
    // One at a time: all share the server core, and each start-up gets its own deadline.
    for (const kind of order) servers[kind] = await serverFor(run, kind, `${kind}-round${round}`);
    await aim(run, { duet: servers.duet.url, raw: servers.raw.url, corked: servers.corked.url });
    await sleep(o.smoke ? 200 : 1_000);

    const idle = perServer<RoundResult['idle'] | undefined>(() => undefined);
    if (has('idle') || has('calls')) {
      for (const kind of order) idle[kind] = await bringOnline(run, round, kind, servers[kind]);
    }
    const calls = has('calls') ? await measureCalls(run, round, servers) : undefined;
    await Promise.all(Object.entries(run.holders).map(([kind, holder]) => holder?.call('close', { target: kind, idleOnly: true })));
    await settled(Object.values(servers));

    if (has('throughput') || has('latency')) {
      for (const kind of order) {
        await onAll(run, (lg, i) => lg.call('pairs', { target: kind, count: share(o.pairs, run.loadgens.length, i), concurrency: 100 }));
      }
    }
    const throughput = has('throughput') ? await measureThroughput(run, round, servers) : undefined;
    const latency = has('latency') ? await measureLatency(run, round) : undefined;

    const results: RoundResult[] = [];
    for (const kind of order) {
      await onAll(run, (lg) => lg.call('close', { target: kind, idleOnly: false }));
      const holder = run.holders[kind];
      const counters = mergeCounters([
        ...(await onAll(run, (lg) => lg.call('counters', { target: kind }))),
        ...(holder ? [await holder.call('counters', { target: kind })] : []),
      ]);
      const tp = throughput?.[kind] ?? new Tally();
      const cs = calls?.[kind] ?? new Tally();
      const lt = latency ? summarize(Float64Array.from(latency.samples[kind])) : undefined;
      const measuredIdle = idle[kind];
      results.push({
        server: kind,
        round,
        idle: has('idle') && measuredIdle ? measuredIdle : NOT_MEASURED.idle,
        throughput: throughput
          ? {
              pairs: o.pairs,
              seconds: tp.seconds,
              messagesPerSecond: tp.perSecond,
              serverCpuPct: tp.cpuPct(tp.serverCpuMicros),
              loadgenCpuPct: tp.cpuPct(tp.loadgenCpuMicros),
              serverCpuMicrosPerMessage: tp.serverCpuMicros / Math.max(1, tp.count),
            }
          : NOT_MEASURED.throughput,
        latency:
          latency && lt
            ? {
                offeredRate: o.latencyRate,
                achievedRate: Math.min(...latency.achieved[kind]),
                samples: lt.count,
                p50Ms: lt.p50 / 1000,
                p90Ms: lt.p90 / 1000,
                p99Ms: lt.p99 / 1000,
                maxMs: lt.max / 1000,
                p99SliceMedianMs: median(latency.sliceP99[kind]) / 1000,
              }
            : NOT_MEASURED.latency,
        calls: calls
          ? {
              online: measuredIdle?.connections ?? 0,
              perSecond: cs.perSecond,
              completed: cs.count,
              failed: counters.failedCalls,
              serverCpuMillisPerCall: cs.serverCpuMicros / 1000 / Math.max(1, cs.count),
            }
          : NOT_MEASURED.calls,
        counters,
      });
    }
    for (const r of results) {
      log(
        `round ${round}: ${r.server}: ${Math.round(r.throughput.messagesPerSecond)} msg/s ` +
          `(server ${Math.round(r.throughput.serverCpuPct)}% CPU, ${r.throughput.serverCpuMicrosPerMessage.toFixed(1)} µs/msg; ` +
          `load generator ${Math.round(r.throughput.loadgenCpuPct)}%), p99 ${r.latency.p99Ms.toFixed(2)} ms, ` +
          `${r.idle.rssPerConnectionKiB.toFixed(1)} KiB/conn, ${Math.round(r.idle.connectsPerSecond)} connects/s, ` +
          `${Math.round(r.calls.perSecond)} calls/s (${r.calls.serverCpuMillisPerCall.toFixed(2)} ms CPU each), errors ${r.counters.errors}`,
      );
    }
    return results;
  } finally {
    for (const kind of order) {
      if (!servers[kind]) continue;
      await onAll(run, (lg) => lg.call('close', { target: kind, idleOnly: false })).catch(() => undefined);
      await run.holders[kind]?.call('close', { target: kind, idleOnly: false }).catch(() => undefined);
    }
    // Stopped together: nothing is measured then, and on a loaded machine each stop takes seconds.
    await Promise.all(Object.values(servers).map((server) => server.stop()));
  }
}

/** NaN figures for a phase `--phases` left out: tables show them as `–`, medians skip them. */
const NOT_MEASURED = {
  idle: { connections: 0, connectSeconds: Number.NaN, connectsPerSecond: Number.NaN, rssBeforeMiB: Number.NaN, rssAfterMiB: Number.NaN, rssPerConnectionKiB: Number.NaN },
  throughput: { pairs: 0, seconds: 0, messagesPerSecond: Number.NaN, serverCpuPct: Number.NaN, loadgenCpuPct: Number.NaN, serverCpuMicrosPerMessage: Number.NaN },
  latency: { offeredRate: 0, achievedRate: Number.NaN, samples: 0, p50Ms: Number.NaN, p90Ms: Number.NaN, p99Ms: Number.NaN, maxMs: Number.NaN, p99SliceMedianMs: Number.NaN },
  calls: { online: Number.NaN, perSecond: Number.NaN, completed: 0, failed: 0, serverCpuMillisPerCall: Number.NaN },
} satisfies Omit<RoundResult, 'server' | 'round' | 'counters'>;

/**
 * Idle capacity: the server's holder connects and logs in `idleConnections` sockets, and the
 * server's RSS is read once it has settled. The sockets stay: they are the users online during
 * call setup, and the holder closes them after it.
 */
async function bringOnline(run: Run, round: number, kind: ServerKind, server: ServerProcess): Promise<RoundResult['idle']> {
  const o = run.options;
  const holder = run.holders[kind];
  if (!holder) throw new Error(`no holder process for ${kind}`);
  log(`round ${round}: ${kind} idle capacity, ${o.idleConnections} logged-in sockets (kept online through call setup)`);
  const rssBefore = server.rss();
  const { connected, ms } = await holder.call('idle', { target: kind, count: o.idleConnections, concurrency: o.connectConcurrency });
  await sleep(o.idleSettleMs);
  const rssAfter = server.rss();
  await sleep(o.smoke ? 100 : 1_000);
  return {
    connections: connected,
    connectSeconds: ms / 1000,
    connectsPerSecond: connected / (ms / 1000),
    rssBeforeMiB: rssBefore / 2 ** 20,
    rssAfterMiB: rssAfter / 2 ** 20,
    rssPerConnectionKiB: (rssAfter - rssBefore) / 1024 / Math.max(1, connected),
  };
}

/** Closed-loop streaming over all pairs, one server per slice. */
async function measureThroughput(run: Run, round: number, servers: PerServer<ServerProcess>): Promise<PerServer<Tally>> {
  const o = run.options;
  log(`round ${round}: throughput, ${o.pairs} pairs per server, window ${o.window}, ≤ ${o.perSocketRate} msg/s per socket, ${o.throughputSlices} slices each`);
  const tallies = perServer(() => new Tally());
  for (let slice = 0; slice < o.throughputSlices; slice++) {
    for (const kind of rotation(SERVER_KINDS, (round - 1) * o.throughputSlices + slice)) {
      await onAll(run, (lg) => lg.call('streamStart', { target: kind, window: o.window, rate: o.perSocketRate }));
      await sleep(o.throughputWarmupMs);
      const start = await mark(run, servers[kind]);
      await sleep(o.throughputSliceMs);
      tallies[kind].add(start, await mark(run, servers[kind]), (m) => m.delivered);
      await onAll(run, (lg) => lg.call('streamStop', { target: kind, drainMs: 15_000 }));
    }
  }
  return tallies;
}

/** Open loop at the fixed rate over the first `latencyPairs` pairs, one server per slice. */
async function measureLatency(run: Run, round: number) {
  const o = run.options;
  log(`round ${round}: latency at ${o.latencyRate} msg/s over ${o.latencyPairs} pairs, ${o.latencySlices} slices each`);
  const samples = perServer<number[]>(() => []);
  const achieved = perServer<number[]>(() => []);
  const sliceP99 = perServer<number[]>(() => []);
  for (let n = 0; n < o.latencySlices; n++) {
    for (const kind of rotation(SERVER_KINDS, (round - 1) * o.latencySlices + n)) {
      const slice = await latencySlice(run, kind);
      samples[kind].push(...slice.samples);
      sliceP99[kind].push(slice.p99);
      achieved[kind].push(slice.achievedRate);
    }
  }
  return { samples, achieved, sliceP99 };
}

/** Loops of connect, log in, call and hang up, while the server's online users stay connected. */
async function measureCalls(run: Run, round: number, servers: PerServer<ServerProcess>): Promise<PerServer<Tally>> {
  const o = run.options;
  const k = run.loadgens.length;
  log(`round ${round}: call setup, ${o.callConcurrency} concurrent, ${o.idleConnections} other users online`);
  const tallies = perServer(() => new Tally());
  for (let slice = 0; slice < o.callSlices; slice++) {
    for (const kind of rotation(SERVER_KINDS, (round - 1) * o.callSlices + slice)) {
      await onAll(run, (lg, i) => lg.call('callsStart', { target: kind, concurrency: share(o.callConcurrency, k, i), candidates: o.callCandidates }));
      await sleep(o.callWarmupMs);
      const start = await mark(run, servers[kind]);
      await sleep(o.callSliceMs);
      let end = await mark(run, servers[kind]);
      // The smoke run checks that calls complete at all, not how many fit in a slice: on a
      // loaded machine a call can outlast a short slice, so it waits for one (bounded).
      const completedSince = (w: Window) => w.marks.reduce((sum, m, i) => sum + m.callsCompleted - start.marks[i].callsCompleted, 0);
      for (const giveUpAt = Date.now() + 15_000; o.smoke && completedSince(end) === 0 && Date.now() < giveUpAt; ) {
        await sleep(100);
        end = await mark(run, servers[kind]);
      }
      tallies[kind].add(start, end, (m) => m.callsCompleted);
      await onAll(run, (lg) => lg.call('callsStop', { target: kind, timeoutMs: 20_000 }));
    }
  }
  return tallies;
}
