import { median, percentile, SampleBuffer, summarize } from './stats';

describe('stats', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile(new Float64Array(0), 50)).toBeNaN();
  });

  it('summarizes unsorted samples', () => {
    expect(summarize(Float64Array.from([5, 1, 4, 2, 3]))).toEqual({ count: 5, p50: 3, p90: 5, p99: 5, max: 5 });
  });

  it('takes medians, ignoring what is not finite', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('grows a sample buffer', () => {
    const buffer = new SampleBuffer();
    for (let i = 0; i < 3000; i++) buffer.push(i);
    expect(buffer.length).toBe(3000);
    expect(buffer.toArray()[2999]).toBe(2999);
  });
});
