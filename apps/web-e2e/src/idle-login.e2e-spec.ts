import { Browser } from 'playwright-core';
import { launchChromium } from './support/browser';
import { DuetUser } from './support/duet-user';
import { announcements, startAnnouncementLog } from './support/observe';
import { RunningServer, startServer } from './support/server';

const QUIET_MS = 60_000;

/**
 * The login page left open without typing. The server closes a socket that does not log in within
 * LOGIN_TIMEOUT_MS (here 500 ms, so a page that kept one open would be closed ~120 times); the page
 * must neither flash a banner nor have anything announced to screen readers. The page's clock is
 * Playwright's: a minute of its timers runs in moments, so any retry or reconnect timer would fire.
 */
describe('an idle login page, in real Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let user: DuetUser | undefined;

  beforeAll(async () => {
    server = await startServer({ env: { LOGIN_TIMEOUT_MS: '500' } });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await user?.close();
    await browser?.close();
    await server?.stop();
  });

  it('stays quiet for 60 s: no notice, nothing announced, no socket opened', async () => {
    user = await DuetUser.open(browser, server.baseUrl, 'idle', '/', { beforeLoad: (page) => page.clock.install() });
    const page = user.page;
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.getByTestId('login-button').waitFor();
    const label = await page.locator('header [role="status"]').textContent();
    await startAnnouncementLog(page);

    // Every timer the page sets within the next minute fires, in order.
    await page.clock.runFor(QUIET_MS);

    expect(await announcements(page)).toEqual([]);
    expect(await page.getByTestId('error-message').count()).toBe(0);
    expect(sockets).toEqual([]);
    expect(await page.locator('header [role="status"]').textContent()).toBe(label);
    expect(label).toContain('not logged in');

    // And the page still works: logging in now opens the socket and gets in.
    await user.submitLogin('idle');
    await page.getByTestId('current-user').filter({ hasText: 'idle' }).waitFor();
    expect(sockets).toHaveLength(1);
  }, 60_000);
});
