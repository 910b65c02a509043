/** How long the call-quality verdict must stay `poor` before the low-bandwidth mode steps in. */
export const POOR_FOR_MS = 10_000;

export type Quality = 'good' | 'fair' | 'poor';

/**
 * Calls `elapsed` once the verdicts it is shown have said `poor`, with nothing else in between, for
 * `poorForMs`. A brief dip (one bad reading every 2 s) is not a weak connection; ten seconds of it is.
 * A verdict that is not poor, or none (no call), starts the count again.
 */
export class PoorStreak {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly elapsed: () => void,
    private readonly poorForMs = POOR_FOR_MS,
  ) {}

  /** The newest verdict (null: no call, or not judged yet). */
  observe(quality: Quality | null): void {
    if (quality !== 'poor') return this.stop();
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.elapsed();
    }, this.poorForMs);
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
