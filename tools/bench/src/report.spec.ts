import { RoundResult, renderMarkdownTable, renderTable, summarizeRounds } from './report';
import type { ServerKind } from './processes';

/** A round where every figure is `scale` times the base one (NaN: the phase was not measured). */
function round(server: ServerKind, n: number, scale: number, measured = true): RoundResult {
  const v = (x: number) => (measured ? x * scale : Number.NaN);
  return {
    server,
    round: n,
    idle: { connections: 100, connectSeconds: v(1), connectsPerSecond: v(1000), rssBeforeMiB: 50, rssAfterMiB: 51, rssPerConnectionKiB: v(7) },
    throughput: { pairs: 10, seconds: 10, messagesPerSecond: v(1000), serverCpuPct: v(90), loadgenCpuPct: v(50), serverCpuMicrosPerMessage: v(10) },
    latency: { offeredRate: 5000, achievedRate: 5000, samples: 100, p50Ms: v(1), p90Ms: v(2), p99Ms: v(5), maxMs: v(9), p99SliceMedianMs: v(4) },
    calls: { online: 100, perSecond: v(100), completed: 100, failed: 0, serverCpuMillisPerCall: v(1) },
    counters: { errors: 0, errorSamples: [], violations: 0, violationSamples: [], lost: 0, connectFailures: 0, failedCalls: 0 },
  };
}

describe('summarizeRounds', () => {
  it('gives medians per server, Duet over both relays, and judges targets against the corked one', () => {
    const rounds = [
      round('duet', 1, 1.05),
      round('duet', 2, 0.5),
      round('duet', 3, 1.05),
      round('raw', 1, 0.8),
      round('corked', 1, 1),
    ];
    const byKey = Object.fromEntries(summarizeRounds(rounds).map((s) => [s.key, s]));
    expect(byKey['throughput']).toMatchObject({ duet: 1050, raw: 800, corked: 1000, target: '≥ 1.0 × corked', pass: true });
    expect(byKey['throughput'].ratioRaw).toBeCloseTo(1.3125);
    expect(byKey['throughput'].ratioCorked).toBeCloseTo(1.05);
    // Lower is better: 1.05 × the corked relay's p99 misses ≤ 1.0 ×, but is within 1.1 × for CPU per call.
    expect(byKey['p99'].pass).toBe(false);
    expect(byKey['cpuPerCall']).toMatchObject({ target: '≤ 1.1 × corked', pass: true });
    expect(byKey['connectRate']).toMatchObject({ target: '≥ 0.9 × corked', pass: true });
    // Absolute: 7 × 1.05 KiB ≤ 8.
    expect(byKey['rssPerConnection']).toMatchObject({ target: '≤ 8', pass: true });
    expect(byKey['cpuPerMessage'].pass).toBeUndefined();
  });

  it('leaves out the rows of phases that were not measured, and prints FAIL for a missed target', () => {
    const rounds = (['duet', 'raw', 'corked'] as const).map((kind) => {
      const r = round(kind, 1, kind === 'duet' ? 0.5 : 1, false);
      return { ...r, throughput: round(kind, 1, kind === 'duet' ? 0.5 : 1).throughput };
    });
    const summary = summarizeRounds(rounds);
    expect(summary.map((s) => s.key)).toEqual(['throughput', 'cpuPerMessage', 'serverCpu', 'loadgenCpu']);
    expect(renderTable(summary)).toMatch(/relay throughput, msg\/s\s+500\s+1,000\s+1,000\s+0\.50\s+0\.50\s+≥ 1\.0 × corked\s+FAIL/);
    expect(renderMarkdownTable(summary)).toContain('| relay throughput, msg/s | 500 | 1,000 | 1,000 | 0.50 | 0.50 | ≥ 1.0 × corked | FAIL |');
  });
});
