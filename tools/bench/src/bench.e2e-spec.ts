import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const WORKSPACE = resolve(__dirname, '../../..');
const MAIN = join(WORKSPACE, 'dist/tools/bench/main.js');

interface SmokeReport {
  pinned: boolean;
  problems: string[];
  cluster?: {
    throughputRatio: number;
    local: { messagesPerSecond: number };
    split: { messagesPerSecond: number };
    latency: { rate: number; local: { samples: number }; split: { samples: number } }[];
  };
  shapes: { shape: { pairs: number; window: number; payload: number }; metrics: { key: string; duet: number; raw: number; corked: number }[] }[];
  shapeRounds: { shape: { payload: number }; figures: Record<string, { messagesPerSecond: number; latencySamples: number; loadgenCpuPct: number }>; counters: Record<string, { errors: number; violations: number; lost: number; connectFailures: number }> }[];
  clusterRounds: { idle: { connections: number; rssPerConnectionKiB: number }; counters: { errors: number; violations: number; lost: number; connectFailures: number } }[];
  rounds: {
    server: string;
    idle: { connections: number; rssPerConnectionKiB: number };
    throughput: { messagesPerSecond: number };
    latency: { samples: number; p99Ms: number };
    calls: { online: number; completed: number; failed: number };
    counters: { errors: number; violations: number; lost: number; connectFailures: number };
  }[];
}

/**
 * The benchmark checks itself: in smoke mode every relayed frame is parsed and compared with what
 * the peer sent, every candidate must arrive exactly once and in order, and any error reply fails
 * the run; all three servers are checked alike. No timing is asserted: this machine is shared.
 */
describe('bench --smoke', () => {
  let dir: string;
  let report: SmokeReport;
  let output = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duet-bench-e2e-'));
    const out = join(dir, 'smoke.json');
    const code = await new Promise<number>((done) => {
      const child = execFile(process.execPath, [MAIN, '--smoke', '--out', out], { cwd: WORKSPACE, timeout: 170_000 }, (error) =>
        done(error ? (typeof error.code === 'number' ? error.code : 1) : 0),
      );
      child.stdout?.on('data', (chunk) => (output += chunk));
      child.stderr?.on('data', (chunk) => (output += chunk));
    });
    if (code !== 0) throw new Error(`the smoke run exited with ${code}:\n${output}`);
    report = JSON.parse(readFileSync(out, 'utf8'));
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures Duet, the raw relay and the corked relay', () => {
    expect(report.rounds.map((r) => r.server).sort()).toEqual(['corked', 'duet', 'raw']);
  });

  it('flags nothing: no error replies, no lost, duplicated or misrouted candidates', () => {
    expect(report.problems).toEqual([]);
    for (const round of report.rounds) {
      expect(round.counters).toEqual({ ...round.counters, errors: 0, violations: 0, lost: 0, connectFailures: 0 });
    }
  });

  it('runs every phase against each server', () => {
    for (const round of report.rounds) {
      expect(round.idle.connections).toBe(300);
      expect(round.idle.rssPerConnectionKiB).toBeGreaterThan(0);
      expect(round.throughput.messagesPerSecond).toBeGreaterThan(0);
      expect(round.latency.samples).toBeGreaterThan(0);
      expect(Number.isFinite(round.latency.p99Ms)).toBe(true);
      expect(round.calls.completed).toBeGreaterThan(0);
      // Call setup runs with the idle users still online.
      expect(round.calls.online).toBe(300);
      expect(round.calls.failed).toBe(0);
    }
  });

  it('relays through a cluster of two instances on Redis, within one instance and split across both, losing nothing', () => {
    expect(report.clusterRounds).toHaveLength(1);
    const [round] = report.clusterRounds;
    expect(round.counters).toEqual({ ...round.counters, errors: 0, violations: 0, lost: 0, connectFailures: 0 });
    expect(round.idle.connections).toBe(300);
    expect(report.cluster?.local.messagesPerSecond).toBeGreaterThan(0);
    expect(report.cluster?.split.messagesPerSecond).toBeGreaterThan(0);
    expect(report.cluster?.latency.map((l) => l.rate)).toEqual([500]);
    expect(report.cluster?.latency[0].split.samples).toBeGreaterThan(0);
    expect(report.cluster?.latency[0].local.samples).toBeGreaterThan(0);
    expect(output).toContain('split across two');
  });

  it('streams each load shape through all three servers, both payload sizes, losing nothing', () => {
    expect(report.shapes.map((s) => s.shape)).toEqual([
      { pairs: 10, window: 4, payload: 200 },
      { pairs: 10, window: 2, payload: 1300 },
    ]);
    for (const round of report.shapeRounds) {
      for (const server of ['duet', 'raw', 'corked']) {
        expect(round.figures[server].messagesPerSecond).toBeGreaterThan(0);
        expect(round.figures[server].latencySamples).toBeGreaterThan(0);
        expect(round.figures[server].loadgenCpuPct).toBeGreaterThan(0);
        expect(round.counters[server]).toEqual({ ...round.counters[server], errors: 0, violations: 0, lost: 0, connectFailures: 0 });
      }
    }
    expect(output).toContain('load shapes (Duet with RATE_LIMIT_PER_SECOND=10000');
  });

  it('prints the comparison table', () => {
    expect(output).toContain('duet/raw');
    expect(output).toContain('duet/corked');
    expect(output).toContain('relay throughput');
  });
});
