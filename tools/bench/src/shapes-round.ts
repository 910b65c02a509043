/**
 * The load shapes (issue 27): pairs × window × payload. A closed loop with no per-socket cap, so the
 * server, not a rate, sets the throughput; Duet runs with its rate limit raised (SHAPES_DUET_ENV)
 * and every other protection at its default. Fresh Duet, raw and corked relays per round, the
 * largest shape's pairs set up once on each, every shape using the first N of them; slices rotate
 * between the servers as in round.ts. Per shape and server: throughput, server CPU per relayed
 * message, the load generator's CPU, and latency at the fixed open-loop rate over the shape's
 * pairs and payload.
 */
import { Counters } from './loadgen-rpc';
import { Shape, shapeName, SHAPES_DUET_ENV } from './options';
import { SERVER_KINDS, ServerKind, ServerProcess } from './processes';
import { mergeCounters } from './report';
import { aim, latencySlice, log, mark, onAll, rotation, Run, serverFor, share, sleep, Tally } from './run-kit';
import { ShapeFigures, ShapeRoundResult } from './shapes-report';
import { median, summarize } from './stats';

type PerServer<T> = Record<ServerKind, T>;

export async function measureShapes(run: Run, round: number): Promise<ShapeRoundResult[]> {
  const o = run.options;
  const k = run.loadgens.length;
  const order = rotation(SERVER_KINDS, round - 1);
  const servers = {} as PerServer<ServerProcess>;
  try {
    for (const kind of order) servers[kind] = await serverFor(run, kind, `shapes-${kind}-round${round}`, { env: SHAPES_DUET_ENV });
    await aim(run, { duet: servers.duet.url, raw: servers.raw.url, corked: servers.corked.url });
    await sleep(o.smoke ? 200 : 1_000);
    const pairs = Math.max(...o.shapes.map((s) => s.pairs));
    log(`round ${round}: load shapes ${o.shapes.map(shapeName).join(', ')}; ${pairs} pairs per server, Duet with ${envText()}`);
    for (const kind of order) {
      await onAll(run, (lg, i) => lg.call('pairs', { target: kind, count: share(pairs, k, i), concurrency: 200 }));
    }
    const results: ShapeRoundResult[] = [];
    for (const [index, shape] of o.shapes.entries()) {
      const turn = (round - 1) * o.shapes.length + index;
      const throughput = await shapeThroughput(run, shape, servers, turn);
      const latency = await shapeLatency(run, shape, turn);
      const figures = {} as PerServer<ShapeFigures>;
      for (const kind of SERVER_KINDS) {
        const tp = throughput[kind];
        const lt = summarize(Float64Array.from(latency.samples[kind]));
        figures[kind] = {
          messagesPerSecond: tp.perSecond,
          serverCpuPct: tp.cpuPct(tp.serverCpuMicros),
          loadgenCpuPct: tp.cpuPct(tp.loadgenCpuMicros),
          serverCpuMicrosPerMessage: tp.serverCpuMicros / Math.max(1, tp.count),
          loadgenCpuMicrosPerMessage: tp.loadgenCpuMicros / Math.max(1, tp.count),
          latencyRate: Math.min(...latency.achieved[kind]),
          latencySamples: lt.count,
          p50Ms: lt.p50 / 1000,
          p99Ms: lt.p99 / 1000,
          p99SliceMedianMs: median(latency.sliceP99[kind]) / 1000,
        };
      }
      results.push({ round, shape, figures, counters: emptyPerServer() });
      log(
        `round ${round}: shape ${shapeName(shape)}: ` +
          SERVER_KINDS.map(
            (kind) =>
              `${kind} ${Math.round(figures[kind].messagesPerSecond)} msg/s, ${figures[kind].serverCpuMicrosPerMessage.toFixed(1)} µs/msg ` +
              `(server ${Math.round(figures[kind].serverCpuPct)}%, load generator ${Math.round(figures[kind].loadgenCpuPct)}%), p99 ${figures[kind].p99Ms.toFixed(2)} ms`,
          ).join('; '),
      );
    }
    // Errors and losses are counted per server over all shapes of the round (the pairs are shared).
    for (const kind of order) {
      await onAll(run, (lg) => lg.call('close', { target: kind, idleOnly: false }));
      const counters = mergeCounters(await onAll(run, (lg) => lg.call('counters', { target: kind })));
      for (const result of results) result.counters[kind] = counters;
    }
    return results;
  } finally {
    for (const kind of order) {
      if (servers[kind]) await onAll(run, (lg) => lg.call('close', { target: kind, idleOnly: false })).catch(() => undefined);
    }
    await Promise.all(Object.values(servers).map((server) => server.stop()));
  }
}

function envText(): string {
  return Object.entries(SHAPES_DUET_ENV)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
}

function emptyPerServer(): PerServer<Counters> {
  const none = (): Counters => mergeCounters([]);
  return { duet: none(), raw: none(), corked: none() };
}

/** Closed loop, no per-socket cap, over the shape's pairs; one server per slice, the order rotating. */
async function shapeThroughput(run: Run, shape: Shape, servers: PerServer<ServerProcess>, turn: number): Promise<PerServer<Tally>> {
  const o = run.options;
  const k = run.loadgens.length;
  const tallies: PerServer<Tally> = { duet: new Tally(), raw: new Tally(), corked: new Tally() };
  for (let slice = 0; slice < o.shapeSlices; slice++) {
    for (const kind of rotation(SERVER_KINDS, turn * o.shapeSlices + slice)) {
      await onAll(run, (lg, i) =>
        lg.call('streamStart', { target: kind, window: shape.window, rate: 0, pairs: share(shape.pairs, k, i), payload: shape.payload }),
      );
      await sleep(o.shapeWarmupMs);
      const start = await mark(run, servers[kind]);
      await sleep(o.shapeSliceMs);
      tallies[kind].add(start, await mark(run, servers[kind]), (m) => m.delivered);
      await onAll(run, (lg) => lg.call('streamStop', { target: kind, drainMs: 15_000 }));
    }
  }
  return tallies;
}

/** Open loop at the fixed rate over the shape's pairs with its payload. */
async function shapeLatency(run: Run, shape: Shape, turn: number) {
  const o = run.options;
  const samples: PerServer<number[]> = { duet: [], raw: [], corked: [] };
  const achieved: PerServer<number[]> = { duet: [], raw: [], corked: [] };
  const sliceP99: PerServer<number[]> = { duet: [], raw: [], corked: [] };
  for (let n = 0; n < o.shapeLatencySlices; n++) {
    for (const kind of rotation(SERVER_KINDS, turn * o.shapeLatencySlices + n)) {
      const slice = await latencySlice(run, kind, { pairs: shape.pairs, payload: shape.payload });
      samples[kind].push(...slice.samples);
      sliceP99[kind].push(slice.p99);
      achieved[kind].push(slice.achievedRate);
    }
  }
  return { samples, achieved, sliceP99 };
}
