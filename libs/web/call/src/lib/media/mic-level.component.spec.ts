import { meterLevel, windowCovering } from './mic-level.component';

describe('the microphone meter', () => {
  it('shows decibels over the last 60 dB: full scale is full, -30 dBFS is half, -60 dBFS and silence are empty', () => {
    expect(meterLevel(1)).toBe(1);
    expect(meterLevel(10 ** (-30 / 20))).toBeCloseTo(0.5, 6);
    expect(meterLevel(10 ** (-60 / 20))).toBeCloseTo(0, 6);
    expect(meterLevel(0.0001)).toBe(0);
    expect(meterLevel(0)).toBe(0);
    expect(meterLevel(Number.NaN)).toBe(0);
    // Clipped input never overshoots the bar.
    expect(meterLevel(1.7)).toBe(1);
  });

  it('looks at a window at least as long as the time between two samples, so no sound in between is missed', () => {
    expect(windowCovering(48_000, 100)).toBe(8_192);
    expect(windowCovering(44_100, 100)).toBe(8_192);
    expect(windowCovering(16_000, 100)).toBe(2_048);
    expect(windowCovering(8_000, 1)).toBe(32);
    expect(windowCovering(384_000, 1_000)).toBe(32_768);
  });
});
