import { browserSuite } from './support/browser-suite';
import { inCall } from './support/in-call';

/** The one-glance quality indicator and the live stats panel, between two real Chromium users. */
describe('call quality in real Chromium', () => {
  const suite = browserSuite();

  it('rates the call at a glance and, in the panel, shows live bitrate and the host candidate pair on loopback', async () => {
    const [alice, bob] = await inCall(suite.browser, suite.server.baseUrl, ['alice-q1', 'bob-q1']);
    suite.open.push(alice, bob);
    const indicator = alice.page.getByTestId('quality-indicator');
    await indicator.waitFor({ timeout: 10_000 });
    expect(['good', 'fair', 'poor']).toContain(await indicator.getAttribute('data-quality'));
    console.log(`quality indicator on loopback: ${await indicator.getAttribute('data-quality')} (${(await indicator.textContent())?.trim()})`);

    await alice.page.getByRole('button', { name: 'Call quality' }).click();
    const panel = alice.page.getByTestId('stats-panel');
    await panel.waitFor();
    // Two readings a second apart give the first rates.
    await alice.page.waitForFunction(
      () => {
        const rows = Array.from(document.querySelectorAll('[data-testid="stats-panel"] .row'));
        const value = (label: string) => rows.find((row) => row.querySelector('dt')?.textContent === label)?.querySelector('dd')?.textContent ?? '';
        return parseFloat(value('Sending')) > 0 && parseFloat(value('Receiving')) > 0;
      },
      undefined,
      { timeout: 15_000, polling: 200 },
    );
    expect(await panel.getByTestId('candidate-pair').getAttribute('data-local-type')).toBe('host');
    expect(await panel.getByTestId('candidate-pair').textContent()).toContain('host');
    // The charts fill as seconds pass.
    await alice.page.waitForFunction(
      () => (document.querySelector('[data-testid="stats-panel"] polyline')?.getAttribute('points') ?? '').split(' ').length >= 3,
      undefined,
      { timeout: 15_000, polling: 200 },
    );
    console.log(`stats panel:\n${(await panel.innerText()).trim()}`);
  }, 60_000);
});
