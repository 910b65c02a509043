import { readFileSync } from 'node:fs';
import { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

interface AxeWindow {
  axe?: { run(context: Document, options: object): Promise<{ violations: Violation[] }> };
}

/**
 * Runs axe-core in the page (the test injects it; the app never ships it) and lists the serious and
 * critical violations. (accessibility.e2e-spec.ts keeps its own copy of this.)
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP (rightly) does not let a <script> tag do.
  if (!(await page.evaluate(() => typeof (window as AxeWindow).axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await (window as AxeWindow).axe?.run(document, { resultTypes: ['violations'] });
    return result?.violations ?? [];
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}
