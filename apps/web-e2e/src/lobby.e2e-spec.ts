import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';

/** Before any call: the header, the preview, the device choice and the name, as a person meets them. */
describe('the lobby in real Chromium', () => {
  const suite = browserSuite();

  it('previews the camera with a live microphone meter, and remembers the camera and the name across a reload', async () => {
    const carol = await DuetUser.open(suite.browser, suite.server.baseUrl, 'carol-lobby');
    suite.open.push(carol);
    const header = carol.page.locator('header [role="status"]');
    await header.filter({ hasText: 'not logged in' }).waitFor();
    expect(await header.textContent()).not.toContain('online');
    await carol.submitLogin(carol.name);
    await header.filter({ hasText: 'online' }).waitFor();

    await carol.page.getByRole('button', { name: 'Check them' }).click();
    await carol.page.waitForFunction(
      () => (document.querySelector<HTMLVideoElement>('video[data-testid="preview-video"]')?.videoWidth ?? 0) > 0,
    );
    // The fake microphone beeps at full scale, 20 ms every 500 ms: the meter must move. (When the meter
    // looked at 23 ms of every 100, its timer and the beeps stayed in step and it could miss every beep
    // for half a minute; it now looks at all of the audio.)
    await carol.page.waitForFunction(
      () => Number(document.querySelector<HTMLMeterElement>('[data-testid="mic-level"]')?.value ?? 0) > 0.3,
      undefined,
      { timeout: 30_000 },
    );
    const cameras = carol.page.getByTestId('camera-select');
    await cameras.locator('option', { hasText: 'fake_device_2' }).waitFor({ state: 'attached' });
    await cameras.selectOption({ label: 'fake_device_2' });
    await carol.page.waitForFunction(
      () =>
        (document.querySelector<HTMLVideoElement>('video[data-testid="preview-video"]')?.srcObject as MediaStream | null)
          ?.getVideoTracks()[0]?.label === 'fake_device_2',
    );

    await carol.page.reload();
    // Logged in again by itself, with the same name.
    await carol.page.getByTestId('current-user').filter({ hasText: carol.name }).waitFor();
    await carol.page.getByRole('button', { name: 'Check them' }).click();
    await carol.page.waitForFunction(
      () =>
        (document.querySelector<HTMLVideoElement>('video[data-testid="preview-video"]')?.srcObject as MediaStream | null)
          ?.getVideoTracks()[0]?.label === 'fake_device_2',
    );
    await cameras.locator('option:checked', { hasText: 'fake_device_2' }).waitFor({ state: 'attached' });

    await carol.page.getByRole('button', { name: 'Log out' }).click();
    await carol.page.getByTestId('username-input').waitFor();
    await carol.page.reload();
    await carol.page.getByTestId('username-input').waitFor();
    expect(await carol.page.getByTestId('current-user').count()).toBe(0);
  }, 60_000);

  it('refuses to call a name that cannot exist, in words, without asking the server', async () => {
    const dave = await DuetUser.logIn(suite.browser, suite.server.baseUrl, 'dave-lobby');
    suite.open.push(dave);
    const sent = dave.sentTypes.length;
    await dave.callByName('bad name!');
    expect(await dave.errorMessage()).toContain('not a valid name');
    expect(dave.sentTypes.slice(sent)).toEqual([]);
    expect(await dave.status()).toBe('idle');
  }, 30_000);
});
