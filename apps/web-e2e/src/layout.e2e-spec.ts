import { Locator } from 'playwright-core';
import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';

/** On how many lines the element's text is laid out. */
function textLines(element: Locator): Promise<number> {
  return element.evaluate((node) => {
    const range = document.createRange();
    range.selectNodeContents(node);
    return new Set(Array.from(range.getClientRects()).map((rect) => Math.round(rect.top))).size;
  });
}

const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone-portrait', width: 375, height: 812 },
  { name: 'phone-landscape', width: 812, height: 375 },
] as const;

/**
 * The call stage at the sizes people use: the remote video fills the space between the call's status
 * row and the controls, the lobby is gone, and every control is on screen. (What covers what, with
 * each panel open, is call-screen-layout.e2e-spec.ts.) With DUET_SCREENSHOTS=<dir> set it
 * also saves a picture of each (for reviews; nothing is compared against them).
 */
describe('the call stage fills the screen', () => {
  const suite = browserSuite();

  it.each(SIZES)('at $name ($width×$height)', async ({ name, width, height }) => {
    const alice = await DuetUser.logIn(suite.browser, suite.server.baseUrl, `alice-${name}`, '/', { viewport: { width, height } });
    const bob = await DuetUser.logIn(suite.browser, suite.server.baseUrl, `bob-${name}`);
    suite.open.push(alice, bob);
    const directory = process.env['DUET_SCREENSHOTS'];

    // The lobby first: nothing wider than the screen, the preview in view, its button on one line.
    expect(await textLines(alice.page.getByRole('button', { name: 'Check them' }))).toBe(1);
    await alice.page.getByRole('button', { name: 'Check them' }).click();
    await alice.page.getByTestId('preview-video').waitFor();
    expect(await textLines(alice.page.getByRole('button', { name: 'Stop preview' }))).toBe(1);
    expect(await alice.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    if (directory) await alice.page.screenshot({ path: `${directory}/lobby-${name}.png`, fullPage: true });

    await alice.callByName(bob.name);
    await bob.accept();
    await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
    await alice.waitForRemoteVideo();
    await alice.page.getByTestId('call-timer').waitFor();

    const [remote, header, top, controls] = await Promise.all(
      ['[data-testid="remote-video"]', 'header.bar', 'duet-call-stage header.top', 'duet-call-controls'].map((selector) =>
        alice.page.locator(selector).boundingBox(),
      ),
    );
    if (!remote || !header || !top || !controls) throw new Error('the call stage is missing a part');
    // Under the header: the call's status row, the video edge to edge, the controls; nothing runs off
    // the screen, and the video takes all the height the two rows leave it.
    expect(remote.width).toBeGreaterThanOrEqual(width - 1);
    expect(top.y).toBeGreaterThanOrEqual(header.y + header.height - 1);
    expect(remote.y).toBeGreaterThanOrEqual(top.y + top.height - 1);
    expect(remote.y + remote.height).toBeLessThanOrEqual(controls.y + 1);
    expect(controls.y + controls.height).toBeLessThanOrEqual(height + 1);
    expect(remote.height).toBeGreaterThanOrEqual(height - header.height - top.height - controls.height - 2);
    expect(await alice.page.getByTestId('user-list').count()).toBe(0);
    expect(await alice.page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(height);

    for (const id of ['mute-button', 'camera-button', 'hangup-button', 'local-video', 'call-status']) {
      const box = await alice.page.getByTestId(id).boundingBox();
      expect(box && box.x >= 0 && box.y >= 0 && box.x + box.width <= width && box.y + box.height <= height).toBe(true);
    }
    if (directory) await alice.page.screenshot({ path: `${directory}/call-stage-${name}.png` });

    await alice.hangUp();
    await Promise.all([alice.waitForStatus('idle'), bob.waitForStatus('idle')]);
  }, 60_000);
});
