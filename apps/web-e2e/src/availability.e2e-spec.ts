import { Page } from 'playwright-core';
import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) => a.x < b.x + b.width - 1 && b.x < a.x + a.width - 1 && a.y < b.y + b.height - 1 && b.y < a.y + a.height - 1;

/** The lobby's header row at each size and scheme: on screen, nothing covering anything, a picture with DUET_SCREENSHOTS=<dir>. */
async function checkLobbyHeader(page: Page, name: string): Promise<void> {
  const directory = process.env['DUET_SCREENSHOTS'];
  for (const { width, height } of [{ width: 1280, height: 720 }, { width: 390, height: 844 }]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme });
      const boxes: Box[] = [];
      for (const id of ['current-user', 'availability-select', 'dnd-hint', 'call-status', 'logout-button']) {
        const box = await page.getByTestId(id).boundingBox();
        if (box === null) throw new Error(`${id} is not shown at ${width}×${height}`);
        expect(box.x >= 0 && box.x + box.width <= width).toBe(true);
        boxes.push(box);
      }
      for (const [index, box] of boxes.entries()) {
        for (const other of boxes.slice(index + 1)) expect(overlap(box, other)).toBe(false);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      if (directory) await page.screenshot({ path: `${directory}/lobby-availability-${name}-${width}x${height}-${colorScheme}.png` });
    }
  }
}

/** Availability (issue 25) and call links, as people meet them in real Chromium. */
describe('availability and call links in real Chromium', () => {
  const suite = browserSuite();

  it('bob on do not disturb: alice sees it beside his name, her call is declined in words, and bob is never rung', async () => {
    const bob = await DuetUser.logIn(suite.browser, suite.server.baseUrl, 'bob-dnd');
    const alice = await DuetUser.logIn(suite.browser, suite.server.baseUrl, 'alice-dnd');
    suite.open.push(bob, alice);
    await bob.page.getByTestId('availability-select').selectOption('dnd');
    await bob.page.getByTestId('dnd-hint').filter({ hasText: 'Do not disturb: calls are declined' }).waitFor();
    const bobEntry = alice.page.locator('li', { has: alice.page.getByTestId('user-item').filter({ hasText: bob.name }) });
    await bobEntry.getByTestId('user-availability').filter({ hasText: 'Do not disturb' }).waitFor();
    expect(await bobEntry.getByTestId('user-busy').count()).toBe(0);

    await alice.callFromList(bob.name);
    await alice.page.getByTestId('call-status').filter({ hasText: `${bob.name} does not want to be disturbed right now` }).waitFor();
    expect(await alice.status()).toBe('ended');
    // Bob's page never rang: no ringing state (so no incoming call prompt), no offer.
    expect(await bob.statusHistory()).not.toContain('ringing');
    expect(await bob.page.getByTestId('incoming-call').count()).toBe(0);
    await bob.page.reload();
    await bob.page.getByTestId('current-user').filter({ hasText: bob.name }).waitFor();
    expect(await bob.page.getByTestId('incoming-call').count()).toBe(0);
    expect(bob.received.map(({ message }) => message['type'])).not.toContain('offer');
    // The choice outlived the reload (the tab keeps it, and sent it after the new login).
    await bob.page.getByTestId('dnd-hint').waitFor();
    expect(await bob.page.getByTestId('availability-select').inputValue()).toBe('dnd');
    await checkLobbyHeader(bob.page, 'dnd');
  }, 60_000);

  it('a call link /call/<name> fills the callee with that name once the visitor has logged in', async () => {
    const carol = await DuetUser.open(suite.browser, suite.server.baseUrl, 'carol-link', '/call/bob-link');
    suite.open.push(carol);
    await carol.submitLogin(carol.name);
    await carol.page.getByTestId('current-user').filter({ hasText: carol.name }).waitFor();
    await carol.page.waitForFunction(() => (document.querySelector('[data-testid="callee-input"]') as HTMLInputElement | null)?.value === 'bob-link');
    expect(new URL(carol.page.url()).pathname).toBe('/');
  }, 30_000);
});
