import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';

const SIZES = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone-portrait', width: 375, height: 812 },
  { name: 'phone-landscape', width: 812, height: 375 },
] as const;

/**
 * The call stage at the sizes people use: the remote video fills the space under the header, the
 * lobby is gone, and every control is on screen and clickable. With DUET_SCREENSHOTS=<dir> set it
 * also saves a picture of each (for reviews; nothing is compared against them).
 */
describe('the call stage fills the screen', () => {
  const suite = browserSuite();

  it.each(SIZES)('at $name ($width×$height)', async ({ name, width, height }) => {
    const alice = await DuetUser.logIn(suite.browser, suite.server.baseUrl, `alice-${name}`, '/', { viewport: { width, height } });
    const bob = await DuetUser.logIn(suite.browser, suite.server.baseUrl, `bob-${name}`);
    suite.open.push(alice, bob);
    const directory = process.env['DUET_SCREENSHOTS'];

    // The lobby first: nothing wider than the screen, the preview in view.
    await alice.page.getByRole('button', { name: 'Check them' }).click();
    await alice.page.getByTestId('preview-video').waitFor();
    expect(await alice.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    if (directory) await alice.page.screenshot({ path: `${directory}/lobby-${name}.png`, fullPage: true });

    await alice.callByName(bob.name);
    await bob.accept();
    await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
    await alice.waitForRemoteVideo();
    await alice.page.getByTestId('call-timer').waitFor();

    const remote = await alice.page.getByTestId('remote-video').boundingBox();
    const header = await alice.page.locator('header.bar').boundingBox();
    expect(remote).not.toBeNull();
    expect(header).not.toBeNull();
    if (!remote || !header) return;
    // Everything under the header is the stage, edge to edge, and nothing runs off the screen.
    expect(remote.width).toBeGreaterThanOrEqual(width - 1);
    expect(remote.y).toBeGreaterThanOrEqual(header.y + header.height - 1);
    expect(remote.y + remote.height).toBeLessThanOrEqual(height + 1);
    expect(remote.height).toBeGreaterThanOrEqual(height - header.height - 60);
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
