import { seriousViolations } from './support/axe';
import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';

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
