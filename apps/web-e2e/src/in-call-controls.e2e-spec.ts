import { Page } from 'playwright-core';
import { browserSuite } from './support/browser-suite';
import { DuetUser, UserOptions } from './support/duet-user';
import { inCall } from './support/in-call';
import {
  localTrackLabel,
  sentVideoSize,
  startListening,
  stopListening,
  waitForRemoteCamera,
  waitForSamePicture,
  waitForSound,
} from './support/observe';
import { keepPeerConnections } from './support/peer-connections';
import { watchPictureInPicture } from './support/picture-in-picture';

/**
 * Whether the page's video sender reports `wanted` as what it gives up under CPU or bandwidth
 * pressure (`getParameters().degradationPreference`; null: not set, the browser's default).
 */
function videoSenderPrefers(wanted: string | null): boolean {
  const pc = window.__testPeerConnections?.filter((each) => each.connectionState !== 'closed').at(-1);
  const sender = pc?.getSenders().find((each) => each.track?.kind === 'video');
  if (!sender) throw new Error('no open RTCPeerConnection sending video (is keepPeerConnections an init script?)');
  return (sender.getParameters().degradationPreference ?? null) === wanted;
}

/** Waits until the page's video sender prefers `wanted` (the app sets it right after swapping the track). */
async function waitForDegradationPreference(page: Page, wanted: string | null): Promise<void> {
  await page.waitForFunction(videoSenderPrefers, wanted, { timeout: 5_000, polling: 100 });
}

/** Waits until bob's video plays in `page`, wherever `selector` finds it. */
async function waitForPlaying(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(
    (css) => {
      const video = document.querySelector<HTMLVideoElement>(css);
      return video !== null && !video.paused && video.videoWidth > 0;
    },
    selector,
    { timeout: 5_000, polling: 50 },
  );
}

/** Does `open` (a click), and returns the Document Picture-in-Picture window, once bob's video plays in it. */
async function opensPictureInPicture(user: DuetUser, open: () => Promise<void>): Promise<Page> {
  const opened = user.context.waitForEvent('page');
  await open();
  const pip = await opened;
  await waitForPlaying(pip, 'video[data-testid="remote-video"]');
  return pip;
}

/** The remote video is back in the call stage, playing. */
function videoBackOnStage(page: Page): Promise<void> {
  return waitForPlaying(page, 'duet-call-stage video[data-testid="remote-video"]');
}

/** Mute, camera off, device switch and screen share between two real Chromium users. */
describe('in-call controls in real Chromium', () => {
  const suite = browserSuite();
  let run = 0;

  async function pair(options: UserOptions = {}): Promise<[DuetUser, DuetUser]> {
    run += 1;
    const users = await inCall(suite.browser, suite.server.baseUrl, [`alice-c${run}`, `bob-c${run}`], options);
    suite.open.push(...users);
    return users;
  }

  it('bob mutes: alice hears silence and sees that he is muted; unmuting brings both back', async () => {
    const [alice, bob] = await pair();
    await startListening(alice.page);
    await waitForSound(alice.page, false);

    await bob.page.getByTestId('mute-button').click();
    await bob.page.locator('[data-testid="mute-button"][aria-pressed="true"]').waitFor();
    await alice.page.getByTestId('remote-muted').waitFor({ timeout: 5_000 });
    expect(await alice.page.getByTestId('remote-muted').textContent()).toContain(`${bob.name} is muted`);
    await waitForSound(alice.page, true);

    await bob.page.getByTestId('mute-button').click();
    await alice.page.getByTestId('remote-muted').waitFor({ state: 'detached', timeout: 5_000 });
    await waitForSound(alice.page, false);
    await stopListening(alice.page);
  }, 60_000);

  it('bob turns his camera off: alice sees his initial and the notice instead of video, then video again', async () => {
    const [alice, bob] = await pair();
    await bob.page.getByTestId('camera-button').click();
    await bob.page.locator('[data-testid="camera-button"][aria-pressed="true"]').waitFor();
    await alice.page.getByTestId('remote-camera-off').waitFor({ timeout: 5_000 });
    expect(await alice.page.locator('.avatar').textContent()).toBe('B');

    await bob.page.getByTestId('camera-button').click();
    await alice.page.getByTestId('remote-camera-off').waitFor({ state: 'detached', timeout: 5_000 });
    expect(await alice.page.locator('.avatar').count()).toBe(0);
    expect((await alice.waitForRemoteVideo()).videoWidth).toBeGreaterThan(0);
  }, 60_000);

  it('switches camera and microphone live: the sent track changes, no new offer, video keeps flowing', async () => {
    const [alice, bob] = await pair();
    const offersBefore = alice.offersSent();
    expect(await localTrackLabel(alice.page, 'video')).toBe('fake_device_0');

    await alice.page.getByRole('button', { name: 'Camera, microphone and speaker' }).click();
    // With noise suppression on, the audio sent is RNNoise's output, named after no device; off, it is
    // the microphone's own track, so its label says which one is in use (media-effects covers it on).
    await alice.page.getByTestId('noise-suppression-toggle').click();
    await alice.page.locator('[data-testid="noise-suppression-toggle"][aria-pressed="false"]').waitFor();
    const cameras = alice.page.getByTestId('camera-select');
    await cameras.locator('option', { hasText: 'fake_device_2' }).waitFor({ state: 'attached' });
    await cameras.selectOption({ label: 'fake_device_2' });
    await alice.page.waitForFunction(
      () =>
        (document.querySelector<HTMLVideoElement>('video[data-testid="local-video"]')?.srcObject as MediaStream | null)
          ?.getVideoTracks()[0]?.label === 'fake_device_2',
      undefined,
      { timeout: 10_000 },
    );
    await alice.page.getByTestId('microphone-select').selectOption({ label: 'Fake Audio Input 1' });
    await alice.page.waitForFunction(
      () =>
        (document.querySelector<HTMLVideoElement>('video[data-testid="local-video"]')?.srcObject as MediaStream | null)
          ?.getAudioTracks()[0]?.label === 'Fake Audio Input 1',
      undefined,
      { timeout: 10_000 },
    );

    expect((await bob.waitForRemoteVideo()).videoWidth).toBeGreaterThan(0);
    expect(alice.offersSent()).toBe(offersBefore);

    // The speaker: the remote <video> plays on the chosen output (setSinkId).
    const speakers = alice.page.getByTestId('speaker-select');
    await speakers.selectOption({ label: 'Fake Audio Output 1' });
    const chosen = await speakers.inputValue();
    expect(chosen).not.toBe('');
    await alice.page.waitForFunction(
      (id) => (document.querySelector('video[data-testid="remote-video"]') as HTMLVideoElement & { sinkId: string }).sinkId === id,
      chosen,
    );
  }, 60_000);

  it('falls back to another camera, with a notice, when the one in use goes away', async () => {
    const [alice, bob] = await pair();
    // What unplugging does to a track: the browser ends it. (Fake devices cannot be unplugged.)
    await alice.page.evaluate(() => {
      const stream = document.querySelector<HTMLVideoElement>('video[data-testid="local-video"]')?.srcObject as MediaStream;
      const [track] = stream.getVideoTracks();
      track.stop();
      track.dispatchEvent(new Event('ended'));
    });
    expect(await alice.errorMessage()).toBe('Your camera was disconnected; switched to the default one.');
    await alice.page.waitForFunction(
      () =>
        (document.querySelector<HTMLVideoElement>('video[data-testid="local-video"]')?.srcObject as MediaStream | null)
          ?.getVideoTracks()[0]?.readyState === 'live',
      undefined,
      { timeout: 10_000 },
    );
    // Bob's picture moves again, from the fallback camera. (Not its size: on a busy machine the
    // encoder scales the resolution down to keep up, so the width says nothing about the camera.)
    const switched = await bob.remoteVideo();
    expect(await bob.waitForFramesBeyond(switched.frames + 10)).toBeGreaterThan(switched.frames + 10);
  }, 60_000);

  it('shares the screen: bob sees the screen, then the camera again after the browser stops sharing', async () => {
    const [alice, bob] = await pair({ initScripts: [keepPeerConnections] });
    const offersBefore = alice.offersSent();
    // The camera is left to the browser's default (balanced); a screen keeps its resolution so
    // text stays legible when the CPU or the network cannot keep up.
    expect(await alice.page.evaluate(videoSenderPrefers, null)).toBe(true);
    // What the camera captures; bob may receive it smaller (see waitForRemoteCamera).
    const camera = await sentVideoSize(alice.page);
    const share = alice.page.getByTestId('screen-share-button');
    await share.click();
    await alice.page.locator('[data-testid="screen-share-button"][aria-pressed="true"]').waitFor();
    // Headless Chromium's synthetic screen is sized after the window: whatever alice sees of it,
    // bob sees too (an odd width arrives rounded to an even one).
    const screen = await waitForSamePicture(alice.page, bob.page, camera);
    await waitForDegradationPreference(alice.page, 'maintain-resolution');

    // The browser's own "Stop sharing" ends the screen track.
    await alice.page.evaluate(() => {
      const stream = document.querySelector<HTMLVideoElement>('video[data-testid="local-video"]')?.srcObject as MediaStream;
      const [screen] = stream.getVideoTracks();
      screen.stop();
      screen.dispatchEvent(new Event('ended'));
    });
    await alice.page.locator('[data-testid="screen-share-button"][aria-pressed="false"]').waitFor();
    await waitForRemoteCamera(bob.page, camera, screen);
    await waitForDegradationPreference(alice.page, null);
    expect(alice.offersSent()).toBe(offersBefore);

    // And once more with the button, both ways.
    await share.click();
    await waitForSamePicture(alice.page, bob.page, camera);
    await waitForDegradationPreference(alice.page, 'maintain-resolution');
    await share.click();
    await waitForRemoteCamera(bob.page, camera, screen);
    await waitForDegradationPreference(alice.page, null);
    expect(alice.offersSent()).toBe(offersBefore);
  }, 60_000);

  it('counts the call time, goes full screen and picture-in-picture (by hand and on a tab switch), moves the self-view, and asks before the tab closes mid-call', async () => {
    const [alice, bob] = await pair({ initScripts: [watchPictureInPicture] });
    const timer = alice.page.getByTestId('call-timer');
    await alice.page.waitForFunction(
      () => /^0:0[1-9]$/.test(document.querySelector('[data-testid="call-timer"]')?.textContent ?? ''),
      undefined,
      { timeout: 10_000 },
    );
    expect(await timer.textContent()).toMatch(/^\d+:\d\d$/);

    await alice.page.getByRole('button', { name: 'Full screen' }).click();
    await alice.page.waitForFunction(() => document.fullscreenElement !== null);
    await alice.page.getByRole('button', { name: 'Leave full screen' }).click();
    await alice.page.waitForFunction(() => document.fullscreenElement === null);

    // Chromium has Document Picture-in-Picture: a window of its own with bob's video playing in it
    // and real mute and hang-up buttons.
    const pip = await opensPictureInPicture(alice, () => alice.page.getByRole('button', { name: 'Picture-in-picture' }).click());
    await pip.getByTestId('pip-mute-button').click();
    await alice.page.locator('[data-testid="mute-button"][aria-pressed="true"]').waitFor();
    await bob.page.getByTestId('remote-muted').waitFor({ timeout: 5_000 });
    await pip.getByRole('button', { name: 'Unmute' }).click();
    await alice.page.locator('[data-testid="mute-button"][aria-pressed="false"]').waitFor();
    const closed = pip.waitForEvent('close');
    await alice.page.getByRole('button', { name: 'Close picture-in-picture' }).click();
    await closed;
    await videoBackOnStage(alice.page);

    // A tab switch: Chromium offers automatic picture-in-picture (MediaSession's
    // enterpictureinpicture), so the page leaves it to the browser rather than ask without a gesture.
    expect(await alice.page.evaluate(() => typeof window.__testPip?.handler)).toBe('function');
    await alice.page.evaluate(() => window.__testSetHidden?.(true));
    expect(await alice.page.evaluate(() => window.__testPip?.requests)).toBe(1);
    // Headless Chromium never runs that action itself: the test does, from a real click (the user
    // activation Chromium gives the action), while the page reads as hidden.
    await alice.page.evaluate(() =>
      document.addEventListener('click', () => window.__testPip?.handler?.(), { once: true, capture: true }),
    );
    const auto = await opensPictureInPicture(alice, () => alice.page.getByTestId('call-timer').click());
    // Back on the tab, the window that opened by itself closes.
    const autoClosed = auto.waitForEvent('close');
    await alice.page.evaluate(() => window.__testSetHidden?.(false));
    await autoClosed;
    await videoBackOnStage(alice.page);

    // "Open picture-in-picture when I switch tabs" off: nothing is offered to the browser any more.
    const devices = alice.page.getByRole('button', { name: 'Camera, microphone and speaker' });
    await devices.click();
    await alice.page.getByTestId('pip-auto-setting').uncheck();
    await alice.page.waitForFunction(() => window.__testPip?.handler === null);
    await alice.page.getByTestId('pip-auto-setting').check();
    await alice.page.waitForFunction(() => typeof window.__testPip?.handler === 'function');
    await devices.click();

    // The self-view starts top right; its button moves it on, and a drag drops it in the nearest corner.
    const selfView = alice.page.locator('duet-self-view');
    expect(await selfView.getAttribute('data-corner')).toBe('top-right');
    await alice.page.getByRole('button', { name: 'Move your video to another corner' }).click();
    await alice.page.locator('duet-self-view[data-corner="bottom-right"]').waitFor();
    const box = await alice.page.getByTestId('local-video').boundingBox();
    if (!box) throw new Error('no self-view');
    await alice.page.mouse.move(box.x + 10, box.y + 10);
    await alice.page.mouse.down();
    await alice.page.mouse.move(20, box.y + 10, { steps: 5 });
    await alice.page.mouse.up();
    await alice.page.locator('duet-self-view[data-corner="bottom-left"]').waitFor();

    const dialog = new Promise<string>((resolve) =>
      alice.page.once('dialog', (prompt) => {
        resolve(prompt.type());
        // "Stay on page": the call goes on.
        void prompt.dismiss();
      }),
    );
    await alice.page.close({ runBeforeUnload: true });
    expect(await dialog).toBe('beforeunload');
    await alice.waitForStatus('connected');

    // Hang-up in the picture-in-picture window ends the call, and closes the window.
    const last = await opensPictureInPicture(alice, () => alice.page.getByRole('button', { name: 'Picture-in-picture' }).click());
    const lastClosed = last.waitForEvent('close');
    // Hang-up closes the very window clicked in: Playwright's click may find its page gone as it
    // finishes (run P). The window closing and bob's call ending are what is checked.
    await last
      .getByTestId('pip-hang-up-button')
      .click()
      .catch((error: Error) => {
        if (!/has been closed/.test(error.message)) throw error;
      });
    await lastClosed;
    await bob.waitForStatus('ended');
  }, 60_000);
});
