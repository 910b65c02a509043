import type { ServerKind } from './processes';
import { renderShapeMarkdown, renderShapeOverview, ShapeFigures, ShapeRoundResult, shapeNotes, summarizeShapes } from './shapes-report';

const counters = { errors: 0, errorSamples: [], violations: 0, violationSamples: [], lost: 0, connectFailures: 0, failedCalls: 0 };

function figures(throughput: number, p99: number, loadgenPct = 40): ShapeFigures {
  return {
    messagesPerSecond: throughput,
    serverCpuPct: 95,
    loadgenCpuPct: loadgenPct,
    serverCpuMicrosPerMessage: 1e6 / throughput,
    loadgenCpuMicrosPerMessage: 1,
    latencyRate: 5000,
    latencySamples: 5000,
    p50Ms: p99 / 4,
    p99Ms: p99,
    p99SliceMedianMs: p99,
  };
}

function round(n: number, payload: number, duet: [number, number], loadgenPct = 40): ShapeRoundResult {
  const all: Record<ServerKind, ShapeFigures> = { duet: figures(...duet, loadgenPct), raw: figures(50_000, 2), corked: figures(100_000, 1) };
  return { round: n, shape: { pairs: 50, window: 8, payload }, figures: all, counters: { duet: counters, raw: counters, corked: counters } };
}

describe('summarizeShapes', () => {
  it('takes medians over rounds per shape, and judges Duet against the corked relay', () => {
    const summaries = summarizeShapes([round(1, 200, [90_000, 0.9]), round(2, 200, [110_000, 0.8]), round(3, 200, [105_000, 5]), round(1, 1300, [120_000, 1.5])]);
    expect(summaries.map((s) => [s.shape.payload, s.rounds])).toEqual([
      [200, 3],
      [1300, 1],
    ]);
    const small = Object.fromEntries(summaries[0].metrics.map((m) => [m.key, m]));
    expect(small['messagesPerSecond']).toMatchObject({ duet: 105_000, corked: 100_000, target: '≥ 1.0 × corked', pass: true });
    expect(small['messagesPerSecond'].ratioRaw).toBeCloseTo(2.1);
    expect(small['p99Ms']).toMatchObject({ duet: 0.9, pass: true });
    expect(small['serverCpuMicrosPerMessage'].pass).toBeUndefined();
    const large = Object.fromEntries(summaries[1].metrics.map((m) => [m.key, m]));
    expect(large['p99Ms'].pass).toBe(false);
  });

  it('renders a table per shape and an overview with a verdict per shape', () => {
    const summaries = summarizeShapes([round(1, 200, [105_000, 0.9]), round(1, 1300, [80_000, 1.5])]);
    const table = renderShapeMarkdown(summaries[0], 5000);
    expect(table).toContain('| 50 pairs × 8 in flight, 200 B candidates | Duet | raw relay | corked relay |');
    expect(table).toContain('| relay throughput, msg/s | 105,000 | 50,000 | 100,000 | 2.10 | 1.05 | ≥ 1.0 × corked | PASS |');
    expect(table).toContain('| latency p99 at 5,000 msg/s, ms | 0.90 | 2.00 | 1.00 | 0.45 | 0.90 | ≤ 1.0 × corked | PASS |');
    const overview = renderShapeOverview(summaries);
    expect(overview).toContain('| 50x8x200 | 1.05 (2.10) |');
    expect(overview).toMatch(/\| 50x8x1300 \| 0\.80 \(1\.60\) \|.*\| FAIL \(throughput, p99\) \|$/m);
  });

  it('notes a shape whose load generator went over 60 % of its core', () => {
    expect(shapeNotes(summarizeShapes([round(1, 200, [105_000, 0.9])]))).toEqual([]);
    const starved = round(1, 200, [105_000, 0.9]);
    starved.figures.corked.serverCpuPct = 35;
    expect(shapeNotes(summarizeShapes([starved]))).toEqual([expect.stringContaining('a server got only 35% of its core')]);
    expect(shapeNotes(summarizeShapes([round(1, 200, [105_000, 0.9], 75)]))).toEqual([expect.stringContaining('shape 50x8x200: the load generator used up to 75%')]);
  });
});
