/**
 * A warning about what clients do (refused origins, say) that an attacker can trigger at will:
 * at most one line per interval, with a count of those left out, and client-chosen text
 * shortened and escaped so it cannot flood or forge log lines.
 */
export class ThrottledWarning {
  private lastAt = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly warn: (line: string) => void,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  report(line: string): void {
    const now = this.now();
    if (now - this.lastAt < this.intervalMs) {
      this.suppressed += 1;
      return;
    }
    const more = this.suppressed > 0 ? ` (and ${this.suppressed} more like it since the last report)` : '';
    this.lastAt = now;
    this.suppressed = 0;
    this.warn(line + more);
  }
}

/** Client-chosen text for a log line: JSON-escaped (no newlines or control characters), at most `max` characters. */
export function quoteForLog(text: string | undefined, max = 100): string {
  if (text === undefined) return 'none';
  const shown = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(shown) + (text.length > max ? ` (${text.length} characters)` : '');
}
