import { Histogram, Registry } from 'prom-client';
import { MessageLatencyHistogram } from './message-latency-histogram';

const BOUNDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

describe(MessageLatencyHistogram.name, () => {
  it("writes exactly what prom-client's Histogram writes for the same observations", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const fast = new MessageLatencyHistogram('duet_test_seconds', 'help text', BOUNDS, [ours]);
    const reference = new Histogram({ name: 'duet_test_seconds', help: 'help text', labelNames: ['type'], buckets: BOUNDS, registers: [theirs] });
    const observations: [string, number][] = [
      ['candidate', 0.0001],
      ['candidate', 0.0005],
      ['candidate', 0.003],
      ['offer', 0.02],
      ['offer', 2],
      ['answer', 1],
    ];
    for (const [type, seconds] of observations) {
      fast.observe(type, seconds);
      reference.observe({ type }, seconds);
    }
    const text = await ours.metrics();
    expect(text).toContain('duet_test_seconds_bucket{le="0.0005",type="candidate"} 2');
    expect(text).toContain('duet_test_seconds_count{type="offer"} 2');
    expect(text).toBe(await theirs.metrics());
  });

  it('starts over on reset', async () => {
    const registry = new Registry();
    const fast = new MessageLatencyHistogram('duet_test_seconds', 'help text', BOUNDS, [registry]);
    fast.observe('candidate', 0.001);
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('type="candidate"');
  });
});
