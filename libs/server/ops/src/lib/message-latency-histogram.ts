import { Registry } from 'prom-client';

/** One line of the exposition, as prom-client's registry reads it. */
interface Sample {
  readonly metricName: string;
  readonly labels: Record<string, string | number>;
  readonly sharedLabels: Record<string, string>;
  readonly value: number;
}

interface Series {
  /** Observations per bucket, not cumulative; the last one is past every bound (+Inf). */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram by message type, observed once for every message the server handles, a
 * relayed candidate included. prom-client's `Histogram.observe` checks and hashes its labels on
 * each call (about 3 % of the server's CPU per relayed candidate); here an observation is a map
 * lookup and three additions, and the exposition is the same text prom-client writes. Registered
 * in a prom-client `Registry`, which renders it with the rest.
 */
export class MessageLatencyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum' as const;
  private readonly series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    /** Upper bounds of the buckets, in seconds, ascending. */
    private readonly bounds: readonly number[],
    registers: readonly Registry[],
  ) {
    for (const registry of registers) registry.registerMetric(this as never);
  }

  /** `type` must come from a bounded set (message types): each value is a series forever. */
  observe(type: string, seconds: number): void {
    let series = this.series.get(type);
    if (series === undefined) {
      series = { counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
      this.series.set(type, series);
    }
    let bucket = 0;
    while (bucket < this.bounds.length && seconds > this.bounds[bucket]) bucket += 1;
    series.counts[bucket] += 1;
    series.sum += seconds;
    series.count += 1;
  }

  get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: Sample[] }> {
    const values: Sample[] = [];
    for (const [type, { counts, sum, count }] of this.series) {
      // As prom-client lays it out: `le` first, then the series' own label.
      const sharedLabels = { type };
      let cumulative = 0;
      this.bounds.forEach((bound, bucket) => {
        cumulative += counts[bucket];
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound }, sharedLabels, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf' }, sharedLabels, value: count });
      values.push({ metricName: `${this.name}_sum`, labels: {}, sharedLabels, value: sum });
      values.push({ metricName: `${this.name}_count`, labels: {}, sharedLabels, value: count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  reset(): void {
    this.series.clear();
  }
}
