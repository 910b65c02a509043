import { quoteForLog, ThrottledWarning } from './throttled-warning';

describe(ThrottledWarning.name, () => {
  it('writes at most one line per interval and counts the ones left out', () => {
    let now = 0;
    const lines: string[] = [];
    const warning = new ThrottledWarning((line) => lines.push(line), 1_000, () => now);
    for (let i = 0; i < 50; i++) warning.report(`refused ${i}`);
    now = 1_000;
    warning.report('refused again');
    expect(lines).toEqual(['refused 0', 'refused again (and 49 more like it since the last report)']);
  });
});

describe(quoteForLog.name, () => {
  it('escapes control characters and shortens long client text', () => {
    expect(quoteForLog('https://a.example\nFAKE LOG LINE')).toBe('"https://a.example\\nFAKE LOG LINE"');
    const long = quoteForLog('x'.repeat(15_000));
    expect(long.length).toBeLessThan(140);
    expect(long).toContain('(15000 characters)');
    expect(quoteForLog(undefined)).toBe('none');
  });
});
