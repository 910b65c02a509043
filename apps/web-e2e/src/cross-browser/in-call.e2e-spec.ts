import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIRECTIONS, callAndAnswer, crossBrowserSuite } from '../support/cross-browser-suite';
import { Person } from '../support/person';

const MB = 1024 * 1024;

/** `who` mutes: `other` sees the flag and hears silence; unmuting brings both back. */
async function muteSeenAndHeard(who: Person, other: Person): Promise<void> {
  await other.startListening();
  await other.waitForSound(false);
  await who.click('mute-button');
  await who.waitForElement('[data-testid="mute-button"][aria-pressed="true"]');
  expect(await other.waitForText('remote-muted', `${who.name} is muted`, 10_000)).toBe(`${who.name} is muted`);
  await other.waitForSound(true);

  await who.click('mute-button');
  await who.waitForElement('[data-testid="mute-button"][aria-pressed="false"]');
  await other.waitForElement('[data-testid="remote-muted"]', false, 10_000);
  await other.waitForSound(false);
  await other.stopListening();
}

/**
 * `who` turns the camera off: `other` sees the flag and `who`'s initial instead of the video, and no
 * frame arrives any more (Firefox went on sending one a second after replaceTrack(null) until the
 * sender's encodings were switched off too); then the video again.
 */
async function cameraOffSeen(who: Person, other: Person): Promise<void> {
  await who.click('camera-button');
  await who.waitForElement('[data-testid="camera-button"][aria-pressed="true"]');
  const flag = `${who.name} turned their camera off`;
  expect(await other.waitForText('remote-camera-off', flag, 10_000)).toBe(flag);
  await other.waitForElement('.placeholder .avatar');
  expect(await other.driver.evaluate(() => document.querySelector('.avatar')?.textContent?.trim(), undefined)).toBe(who.name[0].toUpperCase());
  await other.waitForVideoToStop();

  await who.click('camera-button');
  await who.waitForElement('[data-testid="camera-button"][aria-pressed="false"]');
  await other.waitForElement('[data-testid="remote-camera-off"]', false, 10_000);
  await other.waitForElement('.placeholder .avatar', false);
  await other.waitForNewFrames('remote-video');
}

/** Waits until a chat message containing `text` is among those the person sees; returns its text. */
async function waitForChatMessage(person: Person, text: string): Promise<string> {
  try {
    return await person.driver.waitForFunction(
      (text) =>
        Array.from(document.querySelectorAll('[data-testid="chat-message"]'), (entry) => entry.textContent ?? '').find((shown) =>
          shown.includes(text),
        ) ?? false,
      text,
      10_000,
    );
  } catch (error) {
    throw person.failure(`no chat message "${text}": ${(error as Error).message}`);
  }
}

async function say(person: Person, text: string): Promise<void> {
  await person.fill('chat-input', text);
  await person.click('chat-send');
}

/**
 * What crosses between Chromium and Firefox ESR inside a call, each engine calling the other:
 * mute and camera-off flags, a shared screen, chat, a file and the verification code.
 */
describe('cross-browser in-call features', () => {
  // Firefox gets an X display to share (headless Firefox has no screen: support/virtual-screen.ts).
  const suite = crossBrowserSuite({}, { firefoxScreen: true });
  let run = 0;
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'duet-cross-files-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe.each(DIRECTIONS)('%s calls %s', (callerEngine, calleeEngine) => {
    it('mute silences and camera off hides the picture on the other side, each flagged, and both come back; a shared screen replaces the camera and gives it back', async () => {
      run += 1;
      const caller = await suite.logIn(callerEngine, `${callerEngine}-m${run}`);
      const callee = await suite.logIn(calleeEngine, `${calleeEngine}-m${run}`);
      await callAndAnswer(caller, callee);

      for (const [who, other] of [[caller, callee], [callee, caller]]) {
        await muteSeenAndHeard(who, other);
        await cameraOffSeen(who, other);
      }

      // Screen share, both ways: the receiver sees the screen, then the camera again.
      for (const [sharer, viewer] of [[caller, callee], [callee, caller]]) {
        const camera = await pictureSize(sharer, 'local-video');
        await sharer.click('screen-share-button');
        await sharer.waitForElement('[data-testid="screen-share-button"][aria-pressed="true"]');
        const screen = await sharedScreenSize(sharer, camera);
        await viewer.driver.waitForFunction((text) => document.body.innerText.includes(text), `${sharer.name} is sharing their screen`, 10_000);
        await waitForPicture(viewer, { like: screen, unlike: camera, scaled: false });
        await viewer.waitForNewFrames('remote-video');

        await sharer.click('screen-share-button');
        await sharer.waitForElement('[data-testid="screen-share-button"][aria-pressed="false"]');
        await waitForPicture(viewer, { like: camera, unlike: screen, scaled: true });
        await viewer.waitForNewFrames('remote-video');
      }
    }, 180_000);

    it('both see the same verification code, chat crosses each way, and a 5 MB file arrives intact', async () => {
      run += 1;
      const caller = await suite.logIn(callerEngine, `${callerEngine}-d${run}`);
      const callee = await suite.open(calleeEngine, `${calleeEngine}-d${run}`);
      await callee.prepareToSaveFiles();
      await callee.logIn(suite.server.baseUrl);
      await callAndAnswer(caller, callee);

      const code = await caller.waitForText('verification-code', '');
      expect(code).toMatch(/\d{3} \d{3}/);
      expect(await callee.waitForText('verification-code', code)).toBe(code);

      await caller.click('chat-button');
      await say(caller, `hello from ${callerEngine}`);
      await callee.waitForText('chat-unread', '1', 10_000);
      await callee.click('chat-button');
      expect(await waitForChatMessage(callee, `hello from ${callerEngine}`)).toContain(caller.name);
      await say(callee, `hello from ${calleeEngine}`);
      expect(await waitForChatMessage(caller, `hello from ${calleeEngine}`)).toContain(callee.name);

      const data = randomBytes(5 * MB);
      const name = `five-${run}.bin`;
      writeFileSync(join(dir, name), data);
      await Promise.all([caller.click('files-button'), callee.click('files-button')]);
      await caller.waitForElement('[data-testid="file-input"]:not([disabled])');
      await caller.driver.setInputFiles('file-input', [join(dir, name)]);
      await callee.waitForElement('[data-testid="file-transfer"][data-status="incoming"]', true, 10_000);
      await callee.click('file-accept');
      await callee.waitForElement('[data-testid="file-transfer"][data-status="done"]', true, 60_000);
      await caller.waitForElement('[data-testid="file-transfer"][data-status="done"]', true, 10_000);
      expect(await callee.waitForSavedFileSha256(name, data.length)).toBe(createHash('sha256').update(data).digest('hex'));
    }, 180_000);
  });
});

interface Size {
  width: number;
  height: number;
}

/** The size of the picture a <video> presents now (0×0 before its first frame). */
function pictureSize(person: Person, testId: 'local-video' | 'remote-video'): Promise<Size> {
  return person.driver.evaluate((selector) => {
    const video = document.querySelector<HTMLVideoElement>(selector);
    return { width: video?.videoWidth ?? 0, height: video?.videoHeight ?? 0 };
  }, `video[data-testid="${testId}"]`);
}

/**
 * The size of the shared screen as the sharer's self-view shows it, once it is no longer the
 * camera's: Chromium's synthetic screen takes its size after its first frames.
 */
async function sharedScreenSize(sharer: Person, camera: Size): Promise<Size> {
  try {
    return await sharer.driver.waitForFunction(
      (camera) => {
        const video = document.querySelector<HTMLVideoElement>('video[data-testid="local-video"]');
        const size = { width: video?.videoWidth ?? 0, height: video?.videoHeight ?? 0 };
        const isCamera = Math.abs(size.width - camera.width) <= 2 && Math.abs(size.height - camera.height) <= 2;
        return size.width > 0 && !isCamera ? size : false;
      },
      camera,
      20_000,
      100,
    );
  } catch (error) {
    const seen = await pictureSize(sharer, 'local-video');
    throw sharer.failure(`the self-view never showed the screen (${seen.width}×${seen.height}): ${(error as Error).message}`);
  }
}

/**
 * Waits until the remote <video> shows a picture `like` this one and not `unlike` that one. Never an
 * exact size: an encoder rounds odd sizes to even ones (within 2 px) and may scale a picture down
 * under load (`scaled`), keeping its shape (within 3 %). Where both pictures have the same shape
 * (Chromium's synthetic screen is 4:3 like its camera), only the size tells them apart.
 */
async function waitForPicture(viewer: Person, want: { like: Size; unlike: Size; scaled: boolean }): Promise<void> {
  try {
    await viewer.driver.waitForFunction(
      ({ like, unlike, scaled }) => {
        const video = document.querySelector<HTMLVideoElement>('video[data-testid="remote-video"]');
        const seen = { width: video?.videoWidth ?? 0, height: video?.videoHeight ?? 0 };
        if (!seen.width || !seen.height) return false;
        const shape = (size: { width: number; height: number }) => size.width / size.height;
        const sameShape = (a: typeof seen, b: typeof seen) => Math.abs(shape(a) / shape(b) - 1) < 0.03;
        const sameSize = (a: typeof seen, b: typeof seen) => Math.abs(a.width - b.width) <= 2 && Math.abs(a.height - b.height) <= 2;
        if (!sameShape(seen, like) || sameSize(seen, unlike)) return false;
        if (!sameShape(like, unlike)) return true;
        return sameSize(seen, like) || (scaled && seen.width <= like.width);
      },
      want,
      20_000,
      100,
    );
  } catch (error) {
    const seen = await pictureSize(viewer, 'remote-video');
    const { like, unlike } = want;
    throw viewer.failure(
      `the remote video shows ${seen.width}×${seen.height}, never like ${like.width}×${like.height} (unlike ${unlike.width}×${unlike.height}): ` +
        (error as Error).message,
    );
  }
}
