import { readFileSync } from 'node:fs';
import { Page } from 'playwright-core';
import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

declare global {
  interface Window {
    axe?: { run(context: Document, options: object): Promise<{ violations: Violation[] }> };
  }
}

/** Runs axe-core in the page (the test injects it; the app never ships it): serious and critical only. */
async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP (rightly) does not let a <script> tag do.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe?.run(document, { resultTypes: ['violations'] });
    return result?.violations ?? [];
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/** Each screen in light and in dark: zero serious or critical axe violations. */
describe('accessibility (axe-core) in real Chromium', () => {
  const suite = browserSuite();

  it.each(['light', 'dark'] as const)('login, lobby, ringing and in-call screens in %s', async (scheme) => {
    const alice = await DuetUser.open(suite.browser, suite.server.baseUrl, `alice-a11y-${scheme}`, '/', { colorScheme: scheme });
    suite.open.push(alice);
    expect(await seriousViolations(alice.page)).toEqual([]);

    await alice.submitLogin(alice.name);
    await alice.page.getByTestId('current-user').waitFor();
    await alice.recordStatuses();
    await alice.page.getByRole('button', { name: 'Check them' }).click();
    await alice.page.getByTestId('preview-video').waitFor();
    expect(await seriousViolations(alice.page)).toEqual([]);
    await alice.page.getByRole('button', { name: 'Stop preview' }).click();

    const bob = await DuetUser.logIn(suite.browser, suite.server.baseUrl, `bob-a11y-${scheme}`, '/', { colorScheme: scheme });
    suite.open.push(bob);
    await bob.callByName(alice.name);
    await alice.page.getByTestId('incoming-call').waitFor();
    expect(await seriousViolations(alice.page)).toEqual([]);

    await alice.accept();
    await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
    await bob.page.getByTestId('mute-button').click();
    await alice.page.getByTestId('remote-muted').waitFor();
    await alice.page.getByRole('button', { name: 'Camera, microphone and speaker' }).click();
    await alice.page.getByTestId('camera-select').waitFor();
    expect(await seriousViolations(alice.page)).toEqual([]);
  }, 90_000);
});
