import { Browser } from 'playwright-core';
import { launchChromium } from './support/browser';
import { DuetUser } from './support/duet-user';
import { RunningServer, startServer } from './support/server';

describe('signaling reconnect in real Chromium', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('says the server is unreachable while it is down, then reconnects and logs back in by itself', async () => {
    const alice = await DuetUser.logIn(browser, server.baseUrl, 'alice-r');
    await server.stop();
    expect(await alice.errorMessage()).toBe('Server unreachable: reconnecting…');
    // The ✕ hides the banner; the header still says what is going on.
    await alice.page.getByRole('button', { name: 'Dismiss message' }).click();
    await alice.page.getByTestId('error-message').waitFor({ state: 'detached' });
    expect(await alice.page.locator('header [role="status"]').textContent()).toContain('reconnecting');

    // The same address again: a restarted server that has forgotten everyone.
    server = await startServer({ port: server.port });
    await alice.page.getByTestId('error-message').waitFor({ state: 'detached', timeout: 15_000 });
    expect(await alice.page.getByTestId('current-user').textContent()).toBe('alice-r');

    // Bob can only see (and call) alice if her tab logged in again without her doing anything.
    const bob = await DuetUser.logIn(browser, server.baseUrl, 'bob-r');
    await bob.waitForUserListed(alice.name);
    await bob.callFromList(alice.name);
    await alice.accept();
    await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
    await alice.close();
    await bob.close();
  }, 60_000);
});
