/** The load shapes' figures: medians over rounds per shape and server, Duet's ratios, verdicts, tables. */
import { Counters } from './loadgen-rpc';
import { Shape, shapeName, shapeTitle } from './options';
import type { ServerKind } from './processes';
import { median } from './stats';

export interface ShapeFigures {
  messagesPerSecond: number;
  serverCpuPct: number;
  /** Of the load generator's own core: above ~60 % it may be what limits the closed loop. */
  loadgenCpuPct: number;
  serverCpuMicrosPerMessage: number;
  loadgenCpuMicrosPerMessage: number;
  /** Open loop at the fixed rate over the shape's pairs and payload. */
  latencyRate: number;
  latencySamples: number;
  p50Ms: number;
  p99Ms: number;
  p99SliceMedianMs: number;
}

export interface ShapeRoundResult {
  round: number;
  shape: Shape;
  figures: Record<ServerKind, ShapeFigures>;
  counters: Record<ServerKind, Counters>;
}

/** The load generator should stay under this share of its core, or it, not the server, may set the figure. */
export const LOADGEN_CPU_LIMIT_PCT = 60;

interface ShapeMetric {
  key: keyof ShapeFigures;
  label: string;
  digits: number;
  /** Duet ÷ corked relay: at least (`min`) or at most (`max`) this. */
  target?: { kind: 'min' | 'max'; value: number };
}

export const SHAPE_METRICS: readonly ShapeMetric[] = [
  { key: 'messagesPerSecond', label: 'relay throughput, msg/s', digits: 0, target: { kind: 'min', value: 1.0 } },
  { key: 'serverCpuMicrosPerMessage', label: 'server CPU per relayed msg, µs', digits: 2 },
  { key: 'serverCpuPct', label: 'server CPU during throughput, % of its core', digits: 0 },
  { key: 'loadgenCpuPct', label: 'load generator CPU during throughput, % of its core', digits: 0 },
  { key: 'loadgenCpuMicrosPerMessage', label: 'load generator CPU per relayed msg, µs', digits: 2 },
  { key: 'p50Ms', label: 'latency p50 at fixed rate, ms', digits: 2 },
  { key: 'p99Ms', label: 'latency p99 at fixed rate, ms', digits: 2, target: { kind: 'max', value: 1.0 } },
];

export interface ShapeMetricSummary {
  key: keyof ShapeFigures;
  label: string;
  digits: number;
  duet: number;
  raw: number;
  corked: number;
  ratioRaw: number;
  ratioCorked: number;
  target: string;
  pass: boolean | undefined;
}

export interface ShapeSummary {
  shape: Shape;
  rounds: number;
  metrics: ShapeMetricSummary[];
  /** The most the load generator used of its core in any server's slices (median over rounds). */
  loadgenCpuPctMax: number;
}

/** Medians over rounds per shape and server; Duet's ratios of those medians; verdicts against the corked relay. */
export function summarizeShapes(results: readonly ShapeRoundResult[]): ShapeSummary[] {
  const byShape = new Map<string, ShapeRoundResult[]>();
  for (const r of results) byShape.set(shapeName(r.shape), [...(byShape.get(shapeName(r.shape)) ?? []), r]);
  return [...byShape.values()].map((rounds) => {
    const metrics = SHAPE_METRICS.map((metric): ShapeMetricSummary => {
      const of = (kind: ServerKind) => median(rounds.map((r) => r.figures[kind][metric.key]));
      const [duet, raw, corked] = [of('duet'), of('raw'), of('corked')];
      const ratioCorked = duet / corked;
      const t = metric.target;
      const pass = t === undefined || !Number.isFinite(ratioCorked) ? undefined : t.kind === 'min' ? ratioCorked >= t.value : ratioCorked <= t.value;
      const target = t === undefined ? '' : `${t.kind === 'min' ? '≥' : '≤'} ${t.value.toFixed(1)} × corked`;
      return { key: metric.key, label: metric.label, digits: metric.digits, duet, raw, corked, ratioRaw: duet / raw, ratioCorked, target, pass };
    });
    const loadgen = metrics.find((m) => m.key === 'loadgenCpuPct') as ShapeMetricSummary;
    return { shape: rounds[0].shape, rounds: rounds.length, metrics, loadgenCpuPctMax: Math.max(loadgen.duet, loadgen.raw, loadgen.corked) };
  });
}

export function fmt(value: number, digits: number): string {
  if (!Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const verdict = (pass: boolean | undefined) => (pass === undefined ? '' : pass ? 'PASS' : 'FAIL');

/** One Markdown table per shape: the figures of all three servers, Duet's ratios and the targets. */
export function renderShapeMarkdown(summary: ShapeSummary, latencyRate: number): string {
  const rows = summary.metrics.map((m) => {
    const label = m.key === 'p99Ms' || m.key === 'p50Ms' ? m.label.replace('fixed rate', `${latencyRate.toLocaleString('en-US')} msg/s`) : m.label;
    return `| ${label} | ${fmt(m.duet, m.digits)} | ${fmt(m.raw, m.digits)} | ${fmt(m.corked, m.digits)} | ${fmt(m.ratioRaw, 2)} | ${fmt(m.ratioCorked, 2)} | ${m.target} | ${verdict(m.pass)} |`;
  });
  return [
    `| ${shapeTitle(summary.shape)} | Duet | raw relay | corked relay | Duet/raw | Duet/corked | target | |`,
    '|---|--:|--:|--:|--:|--:|---|---|',
    ...rows,
  ].join('\n');
}

/** All shapes in one table: Duet ÷ corked for throughput, CPU per message and p99, and the load generator's CPU. */
export function renderShapeOverview(summaries: readonly ShapeSummary[]): string {
  const ratio = (s: ShapeSummary, key: keyof ShapeFigures) => s.metrics.find((m) => m.key === key) as ShapeMetricSummary;
  return [
    '| load shape | throughput Duet/corked (Duet/raw) | CPU per msg Duet/corked (Duet/raw) | p99 Duet/corked (Duet/raw) | load generator CPU, max % | |',
    '|---|--:|--:|--:|--:|---|',
    ...summaries.map((s) => {
      const [tp, cpu, p99] = [ratio(s, 'messagesPerSecond'), ratio(s, 'serverCpuMicrosPerMessage'), ratio(s, 'p99Ms')];
      const both = (m: ShapeMetricSummary) => `${fmt(m.ratioCorked, 2)} (${fmt(m.ratioRaw, 2)})`;
      const misses = [tp.pass === false ? 'throughput' : '', p99.pass === false ? 'p99' : ''].filter(Boolean);
      const pass = tp.pass === undefined || p99.pass === undefined ? '' : misses.length === 0 ? 'PASS' : `FAIL (${misses.join(', ')})`;
      return `| ${shapeName(s.shape)} | ${both(tp)} | ${both(cpu)} | ${both(p99)} | ${fmt(s.loadgenCpuPctMax, 0)} | ${pass} |`;
    }),
  ].join('\n');
}

/** The same, as text for the terminal. */
export function renderShapesText(summaries: readonly ShapeSummary[], latencyRate: number): string {
  return summaries.map((s) => renderShapeMarkdown(s, latencyRate)).join('\n\n');
}

/** A server that got less of its core than this in a closed loop shared the machine with other jobs. */
export const SERVER_CPU_FLOOR_PCT = 80;

/**
 * Notes a reader needs: a load generator over its limit means the figure may be its own; a server
 * that did not get its core means other jobs set the throughput, and CPU per message is the figure to read.
 */
export function shapeNotes(summaries: readonly ShapeSummary[]): string[] {
  return summaries.flatMap((s) => {
    const notes: string[] = [];
    if (s.loadgenCpuPctMax > LOADGEN_CPU_LIMIT_PCT) {
      notes.push(
        `shape ${shapeName(s.shape)}: the load generator used up to ${Math.round(s.loadgenCpuPctMax)}% of its core ` +
          `(above ${LOADGEN_CPU_LIMIT_PCT}%): the server may not have been the only limit`,
      );
    }
    const serverCpu = s.metrics.find((m) => m.key === 'serverCpuPct');
    const least = serverCpu ? Math.min(serverCpu.duet, serverCpu.raw, serverCpu.corked) : Number.NaN;
    if (least < SERVER_CPU_FLOOR_PCT) {
      notes.push(
        `shape ${shapeName(s.shape)}: a server got only ${Math.round(least)}% of its core in the closed loop: other jobs ` +
          'were running, so the throughput ratio is the machine\'s; read CPU per relayed message',
      );
    }
    return notes;
  });
}
