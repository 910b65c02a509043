/**
 * Duet vs a raw `ws` relay and the same relay with Duet's per-tick write batching (the corked
 * relay): same machine, same run, same load generator.
 *
 *   npm run bench                 (full: 3 rounds, all three servers in each, ~8 min)
 *   npm run bench -- --smoke      (a few seconds; what `npm test` runs through the e2e target)
 *
 * Each round starts fresh servers and every phase rotates between them in slices (round.ts). The
 * servers are pinned to core 0 and the load generators to core 1 when `taskset` exists; the ratios
 * are the figures to trust on a shared, noisy machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, hostname, loadavg, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { ClusterRoundResult, measureCluster, renderCluster, summarizeCluster } from './cluster-round';
import { BrowserTimings, measureBrowser } from './browser-phase';
import { measuresBrowser, parseArgs, roundPhases, Shape, shapeName, SHAPES_DUET_ENV } from './options';
import { canPin, LoadGenerator, SERVER_KINDS, ServerKind } from './processes';
import { CpuProfile, ProfileSummary, summarizeProfile } from './profile';
import { problemsOf, renderMarkdownTable, renderRoundsMarkdown, renderTable, RoundResult, summarizeRounds } from './report';
import { measureRound } from './round';
import { measureShapes } from './shapes-round';
import { renderShapeMarkdown, renderShapeOverview, ShapeRoundResult, shapeNotes, summarizeShapes } from './shapes-report';
import { aim, BENCH_DIR, LOADGEN_CORE, log, mark, onAll, Run, SERVER_CORE, serverFor, share, sleep, Tally, WORKSPACE } from './run-kit';
import { summarize } from './stats';

const RESULTS = join(WORKSPACE, 'tools/bench/results');

/**
 * One server under the throughput load with `--cpu-prof`, only the steady window summarized; with
 * `--profile-shape`, under that load shape (no per-socket cap, Duet's rate limit raised as for the shapes).
 */
async function profileServer(run: Run, kind: ServerKind): Promise<{ summary: ProfileSummary; file: string }> {
  const o = run.options;
  const shape: Shape | undefined = o.profileShape;
  const load = shape
    ? { pairs: shape.pairs, window: shape.window, rate: 0, payload: shape.payload }
    : { pairs: o.pairs, window: o.window, rate: o.perSocketRate, payload: undefined };
  const tally = new Tally();
  const label = `profile-${kind}`;
  const server = await serverFor(run, kind, label, { profile: true, env: shape ? SHAPES_DUET_ENV : undefined });
  const hook = (message: Record<string, unknown>) => {
    const reply = new Promise<void>((done) => server.child.once('message', () => done()));
    server.child.send(message);
    return reply;
  };
  try {
    await aim(run, { [kind]: server.url });
    log(`profiling ${kind} under ${shape ? `load shape ${shapeName(shape)}` : `the throughput load (${o.pairs} pairs)`}`);
    const k = run.loadgens.length;
    await onAll(run, (lg, i) => lg.call('pairs', { target: kind, count: share(load.pairs, k, i), concurrency: 100 }));
    await onAll(run, (lg, i) =>
      lg.call('streamStart', { target: kind, window: load.window, rate: load.rate, pairs: share(load.pairs, k, i), payload: load.payload }),
    );
    await sleep(2 * o.throughputWarmupMs);
    await hook({ hook: 'window-start' });
    const start = await mark(run, server);
    await sleep(2 * o.throughputSliceMs);
    tally.add(start, await mark(run, server), (m) => m.delivered);
    await hook({ hook: 'window-end' });
    await onAll(run, (lg) => lg.call('streamStop', { target: kind, drainMs: 15_000 }));
    await onAll(run, (lg) => lg.call('close', { target: kind, idleOnly: false }));
    await onAll(run, (lg) => lg.call('counters', { target: kind }));
    const exited = new Promise((done) => server.child.once('exit', done));
    server.child.send({ hook: 'exit', file: join(run.scratch, `${label}.window.json`) });
    await Promise.race([exited, sleep(20_000)]);
  } finally {
    await server.stop();
  }
  const profile = JSON.parse(readFileSync(join(run.scratch, `${label}.cpuprofile`), 'utf8')) as CpuProfile;
  const window = JSON.parse(readFileSync(join(run.scratch, `${label}.window.json`), 'utf8'));
  const kept = join(RESULTS, `${label}.cpuprofile`);
  writeFileSync(kept, JSON.stringify(profile));
  writeFileSync(join(RESULTS, `${label}.window.json`), JSON.stringify(window));
  const summary = summarizeProfile(profile, window);
  summary.messagesPerSecond = Math.round(tally.perSecond);
  summary.cpuMicrosPerMessage = Math.round((10 * tally.serverCpuMicros) / Math.max(1, tally.count)) / 10;
  summary.load = shape ? `load shape ${shapeName(shape)}` : `${o.pairs} pairs at ≤ ${o.perSocketRate} msg/s per socket, window ${o.window}`;
  return { summary, file: kept };
}

export interface TimelineSecond {
  second: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Latency second by second for 40 s (longer than Duet's 30 s heartbeat) at the fixed rate, with the
 * idle sockets and the pairs all connected: shows stalls that come from periodic work, which a few
 * short slices may or may not catch.
 */
async function latencyTimeline(run: Run, kind: ServerKind): Promise<TimelineSecond[]> {
  const o = run.options;
  const k = run.loadgens.length;
  const server = await serverFor(run, kind, `timeline-${kind}`);
  try {
    await aim(run, { [kind]: server.url });
    const idle = Math.max(0, o.idleConnections - 2 * o.pairs);
    log(`timeline: ${kind}, ${idle} idle sockets + ${o.pairs} pairs, ${o.latencyRate} msg/s for 40 s`);
    await onAll(run, (lg, i) => lg.call('idle', { target: kind, count: share(idle, k, i), concurrency: o.connectConcurrency }));
    await onAll(run, (lg, i) => lg.call('pairs', { target: kind, count: share(o.pairs, k, i), concurrency: 100 }));
    const timeline: TimelineSecond[] = [];
    for (let second = 0; second < (o.smoke ? 2 : 40); second++) {
      const results = await onAll(run, (lg, i) =>
        lg.call('latency', { target: kind, pairs: share(o.latencyPairs, k, i), rate: o.latencyRate / k, warmupMs: 0, durationMs: 1_000, drainMs: 5_000 }),
      );
      const s = summarize(Float64Array.from(results.flatMap((r) => r.samples)));
      timeline.push({ second, p50Ms: s.p50 / 1000, p99Ms: s.p99 / 1000, maxMs: s.max / 1000 });
    }
    await onAll(run, (lg) => lg.call('close', { target: kind, idleOnly: false }));
    await onAll(run, (lg) => lg.call('counters', { target: kind }));
    return timeline;
  } finally {
    await server.stop();
  }
}

function renderTimeline(timelines: Partial<Record<ServerKind, TimelineSecond[]>>): string {
  const lines = ['| server | seconds | p99 ≤ 10 ms | worst seconds (p99 / max, ms) |', '|---|--:|--:|---|'];
  for (const [kind, timeline] of Object.entries(timelines)) {
    const worst = [...timeline].sort((a, b) => b.maxMs - a.maxMs).slice(0, 4);
    lines.push(
      `| ${kind} | ${timeline.length} | ${timeline.filter((t) => t.p99Ms <= 10).length} | ` +
        `${worst.map((t) => `s${t.second}: ${t.p99Ms.toFixed(1)} / ${t.maxMs.toFixed(1)}`).join(', ')} |`,
    );
  }
  return lines.join('\n');
}

function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = cpuinfo.match(/^model name\s*:\s*(.*)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    // keep os.cpus()
  }
  return {
    hostname: hostname(),
    cpuModel: model.trim(),
    nproc,
    node: process.version,
    kernel: release(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    freeMemoryGiB: Math.round(freemem() / 2 ** 30),
  };
}

/** Which server code was measured: the commit, and whether server files differed from it. */
function source(): { commit: string; modifiedServerFiles: number } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: WORKSPACE, encoding: 'utf8' }).trim();
  try {
    const modified = git('status', '--porcelain', '--', 'apps/server', 'libs/server', 'libs/shared');
    return { commit: git('rev-parse', '--short', 'HEAD'), modifiedServerFiles: modified ? modified.split('\n').length : 0 };
  } catch {
    return { commit: 'unknown', modifiedServerFiles: 0 };
  }
}

function renderMarkdown(report: ReturnType<typeof buildReport>): string {
  const m = report.machine;
  const src = report.source;
  const lines = [
    `Run ${report.startedAt} (${report.durationSeconds} s), command \`${report.command}\`, server code at ${src.commit}` +
      (src.modifiedServerFiles > 0 ? ` plus ${src.modifiedServerFiles} uncommitted server files.` : '.'),
    '',
    `Machine: ${m.nproc} cores (\`nproc\`), ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, Linux ${m.kernel}. ` +
      (report.pinned
        ? 'Server pinned to core 0, load generator to core 1 (`taskset`).'
        : 'Not pinned (no `taskset` or fewer than 2 cores).') +
      ` Load average at start/end: ${report.loadAverage.start.join(' ')} / ${report.loadAverage.end.join(' ')}.`,
    '',
    ...(report.summary.length > 0 ? [renderMarkdownTable(report.summary), ''] : []),
    ...(report.shapes.length > 0
      ? [renderShapeOverview(report.shapes), '', shapesPreamble(report), '', ...report.shapes.flatMap((s) => [renderShapeMarkdown(s, report.options.latencyRate), ''])]
      : []),
    ...(report.cluster
      ? [
          renderCluster(report.cluster),
          '',
          'Cluster: two Duet instances with `REDIS_URL` and one redis-server; the same load over pairs whose sockets are both on ' +
            'one instance, and over pairs split across the two, in alternating slices of each round. Throughput with all three ' +
            `on the server core; latency at fixed rates below saturation with ${report.cluster.latencyLayout}.`,
          '',
        ]
      : []),
    `${report.options.rounds} rounds; in each, fresh Duet, raw and corked relays are all up and every phase moves between ` +
      `them in slices whose order rotates. Phases: ${report.options.phases.join(', ')}. Throughput: ${report.options.pairs} pairs (${report.options.pairs * 2} sockets) per server at ` +
      `≤ ${report.options.perSocketRate} msg/s per socket, window ${report.options.window}, ${report.options.throughputSlices} × ` +
      `${report.options.throughputSliceMs / 1000} s per server per round. Latency: open loop at ${report.options.latencyRate} msg/s over ` +
      `${report.options.latencyPairs} pairs, ${report.options.latencySlices} × ${report.options.latencySliceMs / 1000} s. Idle: ` +
      `${report.options.idleConnections} logged-in sockets from ${Math.ceil(report.options.idleConnections / report.options.perAddress)}+ ` +
      `source addresses. Call setup: ${report.options.callConcurrency} concurrent loops of connect, login ×2, offer, answer, ` +
      `${report.options.callCandidates} candidates, close, disconnect, with the ${report.options.idleConnections} idle users online. ` +
      'Targets are against the corked relay (the raw relay with write batching like Duet\'s).',
    '',
    report.problems.length === 0
      ? 'No error replies, no lost, duplicated or misrouted candidates, no failed connects or calls.'
      : `**Flagged:** ${report.problems.join('; ')}`,
    ...(report.notes.length > 0 ? ['', ...report.notes.map((n) => `Note: ${n}`)] : []),
    '',
    ...(report.rounds.length > 0 ? ['Per round:', '', renderRoundsMarkdown(report.rounds)] : []),
  ];
  return lines.join('\n');
}

function buildReport(
  run: Run,
  rounds: RoundResult[],
  shapeRounds: ShapeRoundResult[],
  clusterRounds: ClusterRoundResult[],
  startedAt: Date,
  load: number[],
  profiles: Record<string, ProfileSummary>,
  measuredSource: ReturnType<typeof source>,
) {
  const summary = summarizeRounds(rounds);
  const shapes = summarizeShapes(shapeRounds);
  const problems = [
    ...rounds.flatMap(problemsOf),
    // The counters of a round's shapes are per server (shared by its shapes): the first shape's carry them.
    ...shapeRounds
      .filter((r) => r === shapeRounds.find((first) => first.round === r.round))
      .flatMap((r) => Object.entries(r.counters).flatMap(([kind, counters]) => problemsOf({ server: `${kind} (load shapes)`, round: r.round, counters }))),
    ...clusterRounds.flatMap((r) => problemsOf({ server: 'cluster', round: r.round, counters: r.counters })),
  ];
  const notes: string[] = run.options.smoke ? [] : shapeNotes(shapes);
  const extra = Object.entries(run.options.duetEnv).map(([name, value]) => `${name}=${value}`);
  if (extra.length > 0) notes.push(`NOT the default config: Duet ran with ${extra.join(' ')}`);
  if (run.options.duetMain !== undefined) notes.push(`Duet was the build at ${run.options.duetMain}, not this checkout's dist/apps/server/main.js`);
  // Smoke runs are too short and too light for timing notes to mean anything.
  for (const r of run.options.smoke ? [] : rounds) {
    if (run.options.pin && r.throughput.loadgenCpuPct >= 90 && r.throughput.serverCpuPct < 90) {
      notes.push(`${r.server} round ${r.round}: the load generator was saturated (${Math.round(r.throughput.loadgenCpuPct)}% CPU), so its throughput is a lower bound`);
    }
    const cap = 2 * run.options.pairs * run.options.perSocketRate;
    if (r.throughput.messagesPerSecond >= 0.9 * cap) {
      notes.push(`${r.server} round ${r.round}: throughput reached the offered cap (${cap} msg/s): the load, not the server, was the limit`);
    } else if (r.throughput.serverCpuPct < 90 && r.throughput.loadgenCpuPct < 90) {
      notes.push(
        `${r.server} round ${r.round}: during throughput the server got ${Math.round(r.throughput.serverCpuPct)}% of its core and the load ` +
          `generator ${Math.round(r.throughput.loadgenCpuPct)}% of its own: other jobs were running on the machine`,
      );
    }
    if (r.latency.achievedRate < 0.95 * r.latency.offeredRate) {
      notes.push(`${r.server} round ${r.round}: the latency run achieved only ${Math.round(r.latency.achievedRate)} msg/s`);
    }
  }
  return {
    version: 2,
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    machine: machine(),
    source: measuredSource,
    pinned: run.options.pin,
    loadAverage: { start: load.map((v) => Number(v.toFixed(2))), end: loadavg().map((v) => Number(v.toFixed(2))) },
    options: run.options,
    summary,
    shapes,
    shapeDuetEnv: SHAPES_DUET_ENV,
    cluster: summarizeCluster(clusterRounds),
    problems,
    notes,
    profiles,
    rounds,
    shapeRounds,
    clusterRounds,
  };
}

/** The phases measureRound runs (the others have servers of their own). */
const CORE_PHASES = ['idle', 'calls', 'throughput', 'latency'] as const;

const duetShapeEnv = () =>
  Object.entries(SHAPES_DUET_ENV)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');

/** What the load shapes are, in words, for every place their tables go. */
function shapesPreamble(report: ReturnType<typeof buildReport>): string {
  const o = report.options;
  return (
    `Load shapes: pairs × candidates in flight per socket × candidate object size. A closed loop with no per-socket cap ` +
    `(a candidate is sent when one of the socket's is delivered), so the server sets the throughput; ${o.shapeSlices} × ` +
    `${o.shapeSliceMs / 1000} s per server per round after ${o.shapeWarmupMs / 1000} s of warm-up. **Duet runs with its per-connection ` +
    `rate limit raised (\`${duetShapeEnv()}\`; default 100/s, burst 200)**: the limiter stays in the path, and every other protection ` +
    `keeps its default. Latency: open loop at ${o.latencyRate.toLocaleString('en-US')} msg/s over the shape's pairs with its payload, ` +
    `${o.shapeLatencySlices} × ${o.latencySliceMs / 1000} s. The load generator's CPU is in each table: it must stay under 60 % of its ` +
    `core for the server to be the limit.`
  );
}

/** The `Round three` section of docs/benchmarks.md: every figure issue 27 asks for, against its target. */
function renderRoundThree(report: ReturnType<typeof buildReport>): string {
  const src = report.source;
  const perCall = report.summary.find((s) => s.key === 'cpuPerCall');
  const callsPerSecond = report.summary.find((s) => s.key === 'callsPerSecond');
  const fixed = (v: number | undefined, d: number) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(d));
  const verdict = (pass: boolean | undefined) => (pass === undefined ? '' : pass ? 'PASS' : 'FAIL');
  return [
    `Run ${report.startedAt} (${report.durationSeconds} s), \`${report.command}\`, server code at ${src.commit}` +
      (src.modifiedServerFiles > 0 ? ` plus ${src.modifiedServerFiles} uncommitted server files` : '') +
      `; ${report.pinned ? 'server on core 0, load generator on core 1' : 'not pinned'}; load average at start/end ` +
      `${report.loadAverage.start.join(' ')} / ${report.loadAverage.end.join(' ')}; ${report.options.rounds} rounds, medians of rounds.`,
    '',
    '**Load shapes**, Duet ÷ corked relay (÷ raw relay in brackets); targets: throughput ≥ 1.0 ×, p99 ≤ 1.0 ×:',
    '',
    renderShapeOverview(report.shapes),
    '',
    shapesPreamble(report),
    '',
    ...report.shapes.flatMap((shape) => [renderShapeMarkdown(shape, report.options.latencyRate), '']),
    '**Call set-up**, 10,000 users online, default config (the `calls` phase):',
    '',
    '| | Duet | raw relay | corked relay | Duet/corked | target | |',
    '|---|--:|--:|--:|--:|---|---|',
    `| server CPU per call setup, ms | ${fixed(perCall?.duet, 2)} | ${fixed(perCall?.raw, 2)} | ${fixed(perCall?.corked, 2)} | ${fixed(perCall?.ratioCorked, 2)} | ≤ 1.1 × corked | ${verdict(perCall?.pass)} |`,
    `| call setups per second | ${fixed(callsPerSecond?.duet, 0)} | ${fixed(callsPerSecond?.raw, 0)} | ${fixed(callsPerSecond?.corked, 0)} | ${fixed(callsPerSecond?.ratioCorked, 2)} | | |`,
    '',
    ...(report.cluster
      ? [
          `**Cluster**, latency below saturation: ${report.cluster.latencyLayout}; throughput saturated, all three processes on core 0:`,
          '',
          renderCluster(report.cluster),
          '',
        ]
      : []),
    report.problems.length === 0 ? 'No error replies, no lost, duplicated or misrouted candidates.' : `**Flagged:** ${report.problems.join('; ')}`,
    ...(report.notes.length > 0 ? ['', ...report.notes.map((n) => `Note: ${n}`)] : []),
  ].join('\n');
}

const SERVER_TITLES: Record<ServerKind, string> = { duet: 'Duet', raw: 'raw relay', corked: 'corked relay' };

const section = (name: string) => [`<!-- bench:${name}:start -->`, `<!-- bench:${name}:end -->`] as const;

/** Replaces the generated section `name` of a doc (docs/benchmarks.md by default); the prose around it is written by hand. */
function updateDocs(name: string, markdown: string, doc = 'benchmarks.md', [open, close]: readonly string[] = section(name)): void {
  const file = join(WORKSPACE, 'docs', doc);
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start < 0 || end < start) throw new Error(`docs/${doc} has no ${open} … ${close} section`);
  writeFileSync(file, `${text.slice(0, start + open.length)}\n${markdown}\n${text.slice(end)}`);
}

function renderProfilesMarkdown(profiles: Record<string, ProfileSummary>, at: Date, pinned: boolean): string {
  const table = (rows: { name: string; pct: number }[], limit: number) =>
    ['| share of busy CPU | function or layer |', '|--:|---|', ...rows.slice(0, limit).map((r) => `| ${r.pct.toFixed(1)}% | \`${r.name}\` |`)].join('\n');
  const owners = (p: ProfileSummary) =>
    [
      '| share of busy CPU | µs per relayed message | spent for |',
      '|--:|--:|---|',
      ...p.owners.slice(0, 14).map((r) => `| ${r.pct.toFixed(1)}% | ${((r.pct * (p.cpuMicrosPerMessage ?? Number.NaN)) / 100).toFixed(2)} | ${r.name} |`),
    ].join('\n');
  return Object.entries(profiles)
    .map(([kind, p]) =>
      [
        `#### ${SERVER_TITLES[kind as ServerKind] ?? kind}: ${Math.round(p.windowMs)} ms under ${p.load ?? 'the throughput load'} (${at.toISOString()}, ${pinned ? 'pinned' : 'not pinned'})`,
        '',
        `CPU busy ${p.busyPct}%, ${p.messagesPerSecond} msg/s, ${p.cpuMicrosPerMessage} µs of server CPU per relayed message (under the profiler).`,
        '',
        'By owner (each sample charged to its nearest caller in library or application code):',
        '',
        owners(p),
        '',
        'By layer (self time):',
        '',
        table(p.layers, 10),
        '',
        'Top self time:',
        '',
        table(p.self, 15),
        '',
        'Top total (inclusive) time:',
        '',
        table(p.total, 25),
      ].join('\n'),
    )
    .join('\n\n');
}

function printProfile(kind: string, summary: ProfileSummary): void {
  const perMessage = summary.cpuMicrosPerMessage ?? Number.NaN;
  console.log(
    `\n${kind}: CPU profile of ${summary.windowMs} ms under ${summary.load ?? 'the throughput load'}, busy ${summary.busyPct}%, ` +
      `${summary.messagesPerSecond} msg/s, ${perMessage} µs server CPU per relayed message (under the profiler)`,
  );
  console.log('  by owner (time charged to the nearest library or application caller), and µs per relayed message:');
  for (const row of summary.owners.slice(0, 14)) {
    console.log(`    ${row.pct.toFixed(1).padStart(5)}%  ${((row.pct * perMessage) / 100).toFixed(2).padStart(5)} µs  ${row.name}`);
  }
  console.log('  by layer (share of busy time):');
  for (const row of summary.layers.slice(0, 12)) console.log(`    ${row.pct.toFixed(1).padStart(5)}%  ${row.name}`);
  console.log('  top self time:');
  for (const row of summary.self.slice(0, 15)) console.log(`    ${row.pct.toFixed(1).padStart(5)}%  ${row.name}`);
  console.log('  top total time:');
  for (const row of summary.total.slice(0, 20)) console.log(`    ${row.pct.toFixed(1).padStart(5)}%  ${row.name}`);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2), canPin(), (smoke) =>
    smoke ? join(tmpdir(), `duet-bench-smoke-${process.pid}.json`) : join(RESULTS, 'latest.json'),
  );
  // Every phase is bounded on its own; this bounds the whole run, whatever happens.
  const limitMs = options.smoke ? 150_000 : 15 * 60_000 + options.rounds * 8 * 60_000;
  setTimeout(() => {
    console.error(`bench: gave up after ${limitMs / 60_000} min`);
    process.exit(2);
  }, limitMs).unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const startedAt = new Date();
  const load = loadavg();
  const measuredSource = source();
  const scratch = mkdtempSync(join(tmpdir(), 'duet-bench-'));
  mkdirSync(RESULTS, { recursive: true });
  mkdirSync(dirname(options.out), { recursive: true });
  const loadgens = Array.from({ length: options.loadgenProcesses }, () =>
    LoadGenerator.start(BENCH_DIR, options.pin ? LOADGEN_CORE : undefined),
  );
  // Idle capacity and call setup hold each server's online users in a process of its own.
  const holdsUsers = options.rounds > 0 && (options.phases.includes('idle') || options.phases.includes('calls'));
  const holders = holdsUsers
    ? Object.fromEntries(SERVER_KINDS.map((kind) => [kind, LoadGenerator.start(BENCH_DIR, options.pin ? LOADGEN_CORE : undefined)]))
    : {};
  const run: Run = { options, loadgens, holders, scratch };
  log(
    `${options.smoke ? 'smoke' : 'full'} run, ${options.rounds} round(s) per server, ` +
      (options.pin ? `server pinned to core ${SERVER_CORE}, load generator to core ${LOADGEN_CORE}` : 'not pinned') +
      `, logs in ${scratch}`,
  );
  const rounds: RoundResult[] = [];
  const shapeRounds: ShapeRoundResult[] = [];
  const clusterRounds: ClusterRoundResult[] = [];
  const profiles: Record<string, ProfileSummary> = {};
  const timelines: Partial<Record<ServerKind, TimelineSecond[]>> = {};
  let browser: BrowserTimings | undefined;
  let failed = false;
  try {
    const coreRound = options.phases.some((phase) => (CORE_PHASES as readonly string[]).includes(phase));
    for (let round = 1; round <= options.rounds && roundPhases(options.phases).length > 0; round++) {
      if (coreRound) rounds.push(...(await measureRound(run, round)));
      if (options.phases.includes('shapes')) shapeRounds.push(...(await measureShapes(run, round)));
      if (options.phases.includes('cluster')) clusterRounds.push(await measureCluster(run, round));
    }
    if (options.latencyTimeline) {
      for (const kind of SERVER_KINDS) timelines[kind] = await latencyTimeline(run, kind);
      const table = renderTimeline(timelines);
      console.log(`\nlatency second by second at ${options.latencyRate} msg/s:\n${table}`);
      writeFileSync(join(dirname(options.out), 'timeline.json'), `${JSON.stringify({ at: startedAt.toISOString(), pinned: options.pin, options, timelines }, null, 2)}\n`);
      if (options.updateDocs) updateDocs('timeline', `Run ${startedAt.toISOString()}, ${options.pin ? 'pinned' : 'not pinned'}.\n\n${table}`);
    }
    if (options.profile) {
      for (const kind of SERVER_KINDS) {
        const { summary, file } = await profileServer(run, kind);
        profiles[kind] = summary;
        log(`profile written to ${file}`);
      }
    }
    if (measuresBrowser(options)) {
      // The load generators idle by now; Chromium gets the machine to itself.
      browser = await measureBrowser(Number(process.env['CONNECT_TIME_CALLS'] ?? 7));
      writeFileSync(join(dirname(options.out), 'browser.txt'), `${startedAt.toISOString()}\n${browser.lines.join('\n')}\n`);
    }
  } catch (error) {
    failed = true;
    console.error(`bench failed: ${error instanceof Error ? error.stack : String(error)}\nserver logs: ${scratch}`);
  } finally {
    await Promise.all([...loadgens, ...Object.values(holders)].map((lg) => lg.stop()));
  }
  for (const [kind, summary] of Object.entries(profiles)) printProfile(kind, summary);
  if (Object.keys(profiles).length > 0) {
    if (options.updateDocs) updateDocs('profile', renderProfilesMarkdown(profiles, startedAt, options.pin));
    writeFileSync(join(dirname(options.out), 'profile.json'), `${JSON.stringify({ at: startedAt.toISOString(), machine: machine(), pinned: options.pin, options, profiles }, null, 2)}\n`);
  }
  if (browser) console.log(`\nin Chromium:\n  ${browser.lines.join('\n  ')}\n`);
  if (rounds.length === 0 && shapeRounds.length === 0 && clusterRounds.length === 0) process.exit(failed ? 1 : 0);

  const report = buildReport(run, rounds, shapeRounds, clusterRounds, startedAt, load, profiles, measuredSource);
  writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
  const markdown = renderMarkdown(report);
  if (!options.smoke) writeFileSync(options.out.replace(/(\.json)?$/, '.md'), `${markdown}\n`);
  if (options.updateDocs) {
    updateDocs('results', markdown);
    updateDocs('round-three', renderRoundThree(report));
  }
  if (options.updateDocs && report.cluster) {
    const note = `Run ${report.startedAt}, ${report.options.rounds} rounds, server code at ${report.source.commit}; ${report.pinned ? 'pinned' : 'not pinned'}.`;
    updateDocs('cluster', `${note}\n\n${renderCluster(report.cluster)}`, 'scaling.md', ['<!-- scaling:results:start -->', '<!-- scaling:results:end -->']);
  }

  if (report.summary.length > 0) console.log(`\n${renderTable(report.summary)}\n`);
  if (report.shapes.length > 0) {
    console.log(`\nload shapes (Duet with ${duetShapeEnv()}; closed loop, no per-socket cap):\n\n${renderShapeOverview(report.shapes)}\n`);
    for (const shape of report.shapes) console.log(`${renderShapeMarkdown(shape, report.options.latencyRate)}\n`);
  }
  if (report.cluster) console.log(`${renderCluster(report.cluster)}\n`);
  console.log(
    `machine: ${report.machine.nproc} cores, ${report.machine.cpuModel}, Node ${report.machine.node}; ` +
      (report.pinned ? 'server pinned to core 0, load generator to core 1 (taskset)' : 'NOT pinned'),
  );
  for (const note of report.notes) console.log(`note: ${note}`);
  if (report.problems.length > 0) {
    console.log(`\nFLAGGED: this run had errors:\n  ${report.problems.join('\n  ')}`);
  }
  console.log(`\nresults: ${options.out}`);
  if (!failed && report.problems.length === 0) rmSync(scratch, { recursive: true, force: true });
  if (failed || (options.smoke && report.problems.length > 0)) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

