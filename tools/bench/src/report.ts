/** Per-round results, their medians, Duet's ratios to both relays against the targets, as a table and as Markdown. */
import { Counters } from './loadgen-rpc';
import { median } from './stats';
import type { ServerKind } from './processes';

export interface RoundResult {
  server: ServerKind;
  round: number;
  idle: {
    connections: number;
    connectSeconds: number;
    connectsPerSecond: number;
    rssBeforeMiB: number;
    rssAfterMiB: number;
    rssPerConnectionKiB: number;
  };
  throughput: {
    pairs: number;
    seconds: number;
    messagesPerSecond: number;
    serverCpuPct: number;
    loadgenCpuPct: number;
    serverCpuMicrosPerMessage: number;
  };
  latency: {
    offeredRate: number;
    achievedRate: number;
    samples: number;
    p50Ms: number;
    p90Ms: number;
    p99Ms: number;
    maxMs: number;
    /** p99 of each slice, then the median of those: one stall from a neighbour's job moves it less. */
    p99SliceMedianMs: number;
  };
  calls: {
    /** Logged-in users (the idle sockets) on the server while its call-setup slices ran. */
    online: number;
    perSecond: number;
    completed: number;
    failed: number;
    serverCpuMillisPerCall: number;
  };
  counters: Counters;
}

/** Targets are against the corked relay (the floor with Duet's write batching), or absolute. */
type Target = { kind: 'ratio-min'; value: number } | { kind: 'ratio-max'; value: number } | { kind: 'duet-max'; value: number };

interface Metric {
  key: string;
  label: string;
  digits: number;
  get: (r: RoundResult) => number;
  target?: Target;
}

export const METRICS: readonly Metric[] = [
  { key: 'throughput', label: 'relay throughput, msg/s', digits: 0, get: (r) => r.throughput.messagesPerSecond, target: { kind: 'ratio-min', value: 1.0 } },
  { key: 'cpuPerMessage', label: 'server CPU per relayed msg, µs', digits: 1, get: (r) => r.throughput.serverCpuMicrosPerMessage },
  { key: 'serverCpu', label: 'server CPU during throughput, %', digits: 0, get: (r) => r.throughput.serverCpuPct },
  { key: 'loadgenCpu', label: 'load generator CPU during throughput, %', digits: 0, get: (r) => r.throughput.loadgenCpuPct },
  { key: 'p50', label: 'latency p50 at fixed rate, ms', digits: 2, get: (r) => r.latency.p50Ms },
  { key: 'p90', label: 'latency p90 at fixed rate, ms', digits: 2, get: (r) => r.latency.p90Ms },
  { key: 'p99', label: 'latency p99 at fixed rate, ms', digits: 2, get: (r) => r.latency.p99Ms, target: { kind: 'ratio-max', value: 1.0 } },
  { key: 'p99Slices', label: 'latency p99, median of 1 s slices, ms', digits: 2, get: (r) => r.latency.p99SliceMedianMs },
  { key: 'max', label: 'latency max at fixed rate, ms', digits: 2, get: (r) => r.latency.maxMs },
  { key: 'rssPerConnection', label: 'idle RSS per logged-in connection, KiB', digits: 1, get: (r) => r.idle.rssPerConnectionKiB, target: { kind: 'duet-max', value: 8 } },
  { key: 'connectRate', label: 'connect + log in, sockets/s', digits: 0, get: (r) => r.idle.connectsPerSecond, target: { kind: 'ratio-min', value: 0.9 } },
  { key: 'callsPerSecond', label: 'call setups per second', digits: 0, get: (r) => r.calls.perSecond, target: { kind: 'ratio-min', value: 1.0 } },
  { key: 'cpuPerCall', label: 'server CPU per call setup, ms', digits: 2, get: (r) => r.calls.serverCpuMillisPerCall, target: { kind: 'ratio-max', value: 1.1 } },
];

export interface MetricSummary {
  key: string;
  label: string;
  duet: number;
  raw: number;
  corked: number;
  /** Duet / raw relay and Duet / corked relay, of the medians over rounds. */
  ratioRaw: number;
  ratioCorked: number;
  target: string;
  /** undefined: no target, or the phase was not measured. */
  pass: boolean | undefined;
}

/** Medians over rounds per server, and Duet's ratios; rows of phases not measured are left out. */
export function summarizeRounds(rounds: readonly RoundResult[]): MetricSummary[] {
  return METRICS.map((metric) => {
    const of = (server: ServerKind) => median(rounds.filter((r) => r.server === server).map(metric.get));
    const duet = of('duet');
    const raw = of('raw');
    const corked = of('corked');
    const ratioCorked = duet / corked;
    const target = metric.target;
    let pass: boolean | undefined;
    let text = '';
    if (target?.kind === 'ratio-min') {
      pass = ratioCorked >= target.value;
      text = `≥ ${target.value.toFixed(1)} × corked`;
    } else if (target?.kind === 'ratio-max') {
      pass = ratioCorked <= target.value;
      text = `≤ ${target.value.toFixed(1)} × corked`;
    } else if (target?.kind === 'duet-max') {
      pass = duet <= target.value;
      text = `≤ ${target.value}`;
    }
    const measured = target?.kind === 'duet-max' ? Number.isFinite(duet) : Number.isFinite(ratioCorked);
    return { key: metric.key, label: metric.label, duet, raw, corked, ratioRaw: duet / raw, ratioCorked, target: text, pass: measured ? pass : undefined };
  }).filter((s) => [s.duet, s.raw, s.corked].some(Number.isFinite));
}

function fmt(value: number, digits: number): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function digitsOf(key: string): number {
  return METRICS.find((m) => m.key === key)?.digits ?? 2;
}

function verdict(pass: boolean | undefined): string {
  return pass === undefined ? '' : pass ? 'PASS' : 'FAIL';
}

function cells(s: MetricSummary): string[] {
  const digits = digitsOf(s.key);
  return [s.label, fmt(s.duet, digits), fmt(s.raw, digits), fmt(s.corked, digits), fmt(s.ratioRaw, 2), fmt(s.ratioCorked, 2), s.target, verdict(s.pass)];
}

export function renderTable(summary: readonly MetricSummary[]): string {
  const rows = [['metric (median of rounds)', 'duet', 'raw', 'corked', 'duet/raw', 'duet/corked', 'target', ''], ...summary.map(cells)];
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows
    .map((row, i) => {
      const line = row.map((cell, col) => (col === 0 || col >= 6 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  ');
      return i === 0 ? `${line}\n${'-'.repeat(line.length)}` : line;
    })
    .join('\n')
    .trimEnd();
}

export function renderMarkdownTable(summary: readonly MetricSummary[]): string {
  return [
    '| metric (median of rounds) | Duet | raw `ws` relay | corked relay | Duet/raw | Duet/corked | target | |',
    '|---|--:|--:|--:|--:|--:|---|---|',
    ...summary.map((s) => `| ${cells(s).join(' | ')} |`),
  ].join('\n');
}

export function renderRoundsMarkdown(rounds: readonly RoundResult[]): string {
  const keys = ['throughput', 'cpuPerMessage', 'p99', 'rssPerConnection', 'connectRate', 'callsPerSecond', 'cpuPerCall'];
  const metrics = METRICS.filter((m) => keys.includes(m.key));
  return [
    `| round | server | ${metrics.map((m) => m.label).join(' | ')} |`,
    `|--:|---|${metrics.map(() => '--:').join('|')}|`,
    ...rounds.map((r) => `| ${r.round} | ${r.server} | ${metrics.map((m) => fmt(m.get(r), m.digits)).join(' | ')} |`),
  ].join('\n');
}

export function mergeCounters(all: readonly Counters[]): Counters {
  return all.reduce<Counters>(
    (sum, c) => ({
      errors: sum.errors + c.errors,
      errorSamples: [...sum.errorSamples, ...c.errorSamples].slice(0, 10),
      violations: sum.violations + c.violations,
      violationSamples: [...sum.violationSamples, ...c.violationSamples].slice(0, 10),
      lost: sum.lost + c.lost,
      connectFailures: sum.connectFailures + c.connectFailures,
      failedCalls: sum.failedCalls + c.failedCalls,
    }),
    { errors: 0, errorSamples: [], violations: 0, violationSamples: [], lost: 0, connectFailures: 0, failedCalls: 0 },
  );
}

/** What makes a round untrustworthy: any error reply, misdelivery, loss, failed connect or call. */
export function problemsOf(r: Pick<RoundResult, 'round' | 'counters'> & { server: string }): string[] {
  const problems: string[] = [];
  const c = r.counters;
  if (c.errors > 0) problems.push(`${c.errors} error replies (${c.errorSamples.slice(0, 3).join(' | ')})`);
  if (c.violations > 0) problems.push(`${c.violations} misdelivered candidates (${c.violationSamples.slice(0, 3).join(' | ')})`);
  if (c.lost > 0) problems.push(`${c.lost} candidates never delivered`);
  if (c.connectFailures > 0) problems.push(`${c.connectFailures} sockets failed to connect or log in`);
  if (c.failedCalls > 0) problems.push(`${c.failedCalls} call setups failed (${c.violationSamples.slice(0, 3).join(' | ')})`);
  return problems.map((p) => `${r.server} round ${r.round}: ${p}`);
}
