import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, Download, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { privateFileSha256 } from './support/page-driver';
import { DuetUser, UserOptions } from './support/duet-user';
import { inCall } from './support/in-call';
import { rawChannelThroughput } from './support/raw-channel';
import { RunningServer, startServer } from './support/server';

const MB = 1024 * 1024;

/**
 * Where a received file goes depends on the browser (libs/web/in-call .../files/file-sink.ts). Headless
 * Chromium has the File System Access API but cannot show its save dialog (it answers AbortError,
 * as if the person cancelled, and CDP has no way to answer it), so each test says which browser it
 * plays: these scripts run before the app and only take away or stand in for what a person or
 * another browser would.
 */
const BROWSER_WITHOUT_SAVE_DIALOG: UserOptions = {
  // Firefox and Safari: no showSaveFilePicker, so a service worker streams the file as a download.
  initScripts: [() => void delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker],
};
const PERSON_PICKS_A_FILE: UserOptions = {
  // The person answers the save dialog with a file: here one in the origin's private file system,
  // a real FileSystemFileHandle on disk that the app writes through createWritable() as it would.
  initScripts: [
    () =>
      ((window as { showSaveFilePicker?: unknown }).showSaveFilePicker = async ({ suggestedName }: { suggestedName: string }) =>
        (await navigator.storage.getDirectory()).getFileHandle(suggestedName, { create: true })),
  ],
};
const BROWSER_WITHOUT_DISK_STREAMING: UserOptions = {
  // Plain http on a LAN address has neither (no secure context): the file is held in memory.
  initScripts: [
    () => {
      delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
      delete (Navigator.prototype as { serviceWorker?: unknown }).serviceWorker;
    },
  ],
};

async function openFiles(page: Page): Promise<void> {
  await page.getByTestId('files-button').click();
  await page.locator('[data-testid="file-input"]:not([disabled])').waitFor({ state: 'attached' });
}

function transfer(page: Page, status?: string) {
  return page.locator(status ? `[data-testid="file-transfer"][data-status="${status}"]` : '[data-testid="file-transfer"]');
}

async function progress(page: Page): Promise<number> {
  return Number(await transfer(page).getByTestId('file-progress').evaluate((bar) => (bar as HTMLProgressElement).value));
}

function sha256Of(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** What a file in the origin's private file system holds (its SHA-256), or null when there is none. */
function chosenFileHash(page: Page, name: string): Promise<string | null> {
  return page.evaluate(privateFileSha256, { name });
}

/** Files over the call's data channel between two real Chromium users. */
describe('file transfer in real Chromium', () => {
  let server: RunningServer;
  let browser: Browser;
  let dir: string;
  const open: DuetUser[] = [];

  function fileOf(name: string, bytes: number): { path: string; sha256: string } {
    const data = randomBytes(bytes);
    const path = join(dir, name);
    writeFileSync(path, data);
    return { path, sha256: createHash('sha256').update(data).digest('hex') };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duet-files-'));
    server = await startServer();
    browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(open.splice(0).map((user) => user.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows an offer on the call stage with who sends what and how big; the panel picks through its own button', async () => {
    const [alice, bob] = await inCall(browser, server.baseUrl, ['alice-f0', 'bob-f0']);
    open.push(alice, bob);
    await openFiles(alice.page);
    // The browser's raw "Choose Files / No file chosen" is out of sight; "Send a file" opens the picker.
    const input = alice.page.getByTestId('file-input');
    expect((await input.boundingBox())?.width ?? 0).toBe(0);
    // Still the control a keyboard reaches: focused, it marks the button drawn for it.
    await input.focus();
    expect(await alice.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('file-input');
    const [chooser] = await Promise.all([alice.page.waitForEvent('filechooser'), alice.page.getByText('Send a file', { exact: true }).click()]);
    await chooser.setFiles(fileOf('notes.txt', 1_000).path);

    // Bob's panel is closed: the offer is on his stage, named, with its answers.
    const notice = bob.page.getByTestId('file-offer');
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.textContent()).toContain('alice-f0 wants to send you “notes.txt” (1.0 kB).');
    const accept = notice.getByTestId('file-accept');
    const box = await accept.boundingBox();
    if (!box) throw new Error('the accept button has no box');
    const atCentre = await bob.page.evaluate(
      ({ x, y }) => document.elementFromPoint(x, y)?.getAttribute('data-testid'),
      { x: box.x + box.width / 2, y: box.y + box.height / 2 },
    );
    expect(atCentre).toBe('file-accept');
    // Headless Chromium cannot show the save dialog: accepting there is a cancelled dialog, and
    // the offer stays, to answer again.
    await accept.click();
    await expect(notice.getByTestId('file-decline').isVisible()).resolves.toBe(true);
    expect(await bob.page.getByTestId('file-offer').count()).toBe(1);
    await notice.getByTestId('file-decline').click();
    await transfer(alice.page, 'declined').waitFor({ timeout: 10_000 });
    // Gone from bob's stage (waited for: bob's page draws on its own schedule, not alice's).
    await bob.page.getByTestId('file-offer').waitFor({ state: 'detached', timeout: 10_000 });
  }, 120_000);

  it('streams 24 MB (over the 16 MB the sender may run ahead) into a download that starts mid-way and completes only once checked: SHA-256 equal', async () => {
    const [alice, bob] = await inCall(browser, server.baseUrl, ['alice-f1', 'bob-f1'], BROWSER_WITHOUT_SAVE_DIALOG);
    open.push(alice, bob);
    const file = fileOf('large.bin', 24 * MB);
    await Promise.all([openFiles(alice.page), openFiles(bob.page)]);
    await alice.page.getByTestId('file-input').setInputFiles(file.path);

    const offer = transfer(bob.page, 'incoming');
    await offer.waitFor({ timeout: 10_000 });
    expect(await offer.textContent()).toContain('large.bin');
    expect(await offer.textContent()).toContain('25.2 MB');
    const startedAt = Date.now();
    const downloadStarted = bob.page.waitForEvent('download', { timeout: 30_000 }).then(async (download) => ({
      download,
      percent: await progress(bob.page),
      status: await transfer(bob.page).getAttribute('data-status'),
    }));
    await bob.page.getByTestId('file-accept').click();
    const started = await downloadStarted;
    // The browser was writing the file while it arrived: it did not wait for the whole of it.
    expect(started.status).toBe('receiving');
    expect(started.percent).toBeLessThan(100);
    await transfer(bob.page, 'done').waitFor({ timeout: 180_000 });
    const seconds = (Date.now() - startedAt) / 1_000;
    await transfer(alice.page, 'done').waitFor({ timeout: 10_000 });
    expect(await progress(alice.page)).toBe(100);
    expect(await progress(bob.page)).toBe(100);
    expect(await transfer(bob.page).textContent()).toContain('saved in your downloads');
    expect(await bob.page.getByTestId('file-save').count()).toBe(0);

    expect(started.download.suggestedFilename()).toBe('large.bin');
    expect(sha256Of(await started.download.path())).toBe(file.sha256);

    const app = (24 * MB) / 1e6 / seconds;
    const raw = await rawChannelThroughput(alice.page, bob.page, 24 * MB);
    console.log(
      `file transfer on loopback, 24 MiB: app ${app.toFixed(1)} MB/s (accept to verified, hashing both sides, streamed to a download) ` +
        `vs raw data-channel send loop ${raw.toFixed(1)} MB/s (${((app / raw) * 100).toFixed(0)} %)`,
    );
  }, 300_000);

  it('writes into the file the person chose, and a damaged file is removed from there, never made final', async () => {
    const [alice, bob] = await inCall(browser, server.baseUrl, ['alice-f2', 'bob-f2'], PERSON_PICKS_A_FILE);
    open.push(alice, bob);
    const file = fileOf('chosen.bin', 20 * MB);
    await Promise.all([openFiles(alice.page), openFiles(bob.page)]);
    await alice.page.getByTestId('file-input').setInputFiles(file.path);
    await transfer(bob.page, 'incoming').waitFor({ timeout: 10_000 });
    await bob.page.getByTestId('file-accept').click();
    await transfer(bob.page, 'done').waitFor({ timeout: 120_000 });
    expect(await transfer(bob.page).textContent()).toContain('saved where you chose');
    expect(await chosenFileHash(bob.page, 'chosen.bin')).toBe(file.sha256);

    // Damage from outside the app (no hook in the product): flip one byte of the 10th file frame alice sends.
    await alice.page.evaluate(() => {
      const prototype = RTCDataChannel.prototype as unknown as { send(this: RTCDataChannel, data: unknown): void };
      const send = prototype.send;
      let frames = 0;
      prototype.send = function (data) {
        if (this.label === 'files' && data instanceof ArrayBuffer && ++frames === 10) new Uint8Array(data)[100] ^= 0xff;
        send.call(this, data);
      };
    });
    await alice.page.getByTestId('file-input').setInputFiles(fileOf('damaged.bin', 5 * MB).path);
    await transfer(bob.page, 'incoming').waitFor({ timeout: 10_000 });
    await bob.page.getByTestId('file-accept').click();
    await transfer(bob.page, 'failed').waitFor({ timeout: 60_000 });
    expect(await transfer(bob.page, 'failed').textContent()).toContain('checksum mismatch');
    await transfer(alice.page, 'failed').waitFor({ timeout: 10_000 });
    await bob.page.waitForFunction(
      async () => {
        try {
          await (await navigator.storage.getDirectory()).getFileHandle('damaged.bin');
          return false;
        } catch {
          return true;
        }
      },
      undefined,
      { timeout: 10_000 },
    );
  }, 240_000);

  it('a cancel mid-way stops both sides and fails the download; a declined offer sends nothing', async () => {
    const [alice, bob] = await inCall(browser, server.baseUrl, ['alice-f3', 'bob-f3'], BROWSER_WITHOUT_SAVE_DIALOG);
    open.push(alice, bob);
    const file = fileOf('big.bin', 400 * MB);
    await Promise.all([openFiles(alice.page), openFiles(bob.page)]);
    await alice.page.getByTestId('file-input').setInputFiles(file.path);
    await transfer(bob.page, 'incoming').waitFor({ timeout: 10_000 });
    const download = bob.page.waitForEvent('download', { timeout: 30_000 });
    await bob.page.getByTestId('file-accept').click();
    // Once bytes flow, speed and time left show on both sides.
    await bob.page.waitForFunction(
      () => Number(document.querySelector<HTMLProgressElement>('[data-testid="file-progress"]')?.value) >= 2,
      undefined,
      { timeout: 60_000, polling: 20 },
    );
    expect(await transfer(bob.page).textContent()).toMatch(/\/s · \d+ (s|min) left/);
    await bob.page.getByTestId('file-cancel').click();
    await transfer(bob.page, 'cancelled').waitFor({ timeout: 10_000 });
    await transfer(alice.page, 'cancelled').waitFor({ timeout: 10_000 });
    const [aliceAt, bobAt] = [await progress(alice.page), await progress(bob.page)];
    console.log(`cancelled at ${bobAt} % (receiver), ${aliceAt} % (sender)`);
    expect(bobAt).toBeLessThan(100);
    expect(aliceAt).toBeLessThan(100);
    expect(await (await download).failure()).not.toBeNull();

    // Bob declines the next one: alice sees it, nothing is sent.
    await alice.page.getByTestId('file-input').setInputFiles(fileOf('small.txt', 1_000).path);
    await transfer(bob.page, 'incoming').waitFor({ timeout: 10_000 });
    await bob.page.getByTestId('file-decline').click();
    await transfer(alice.page, 'declined').waitFor({ timeout: 10_000 });
  }, 240_000);

  it('fails the streamed download of a chunk damaged on the way, on both sides', async () => {
    const [alice, bob] = await inCall(browser, server.baseUrl, ['alice-f4', 'bob-f4'], BROWSER_WITHOUT_SAVE_DIALOG);
    open.push(alice, bob);
    await alice.page.evaluate(() => {
      const prototype = RTCDataChannel.prototype as unknown as { send(this: RTCDataChannel, data: unknown): void };
      const send = prototype.send;
      let frames = 0;
      prototype.send = function (data) {
        if (this.label === 'files' && data instanceof ArrayBuffer && ++frames === 10) new Uint8Array(data)[100] ^= 0xff;
        send.call(this, data);
      };
    });
    await Promise.all([openFiles(alice.page), openFiles(bob.page)]);
    await alice.page.getByTestId('file-input').setInputFiles(fileOf('damaged.bin', 5 * MB).path);
    await transfer(bob.page, 'incoming').waitFor({ timeout: 10_000 });
    const download: Promise<Download> = bob.page.waitForEvent('download', { timeout: 30_000 });
    await bob.page.getByTestId('file-accept').click();
    await transfer(bob.page, 'failed').waitFor({ timeout: 60_000 });
    expect(await transfer(bob.page).textContent()).toContain('checksum mismatch');
    expect(await bob.page.getByTestId('file-save').count()).toBe(0);
    await transfer(alice.page, 'failed').waitFor({ timeout: 10_000 });
    // The browser marks the download failed: nothing stays under the file's name.
    expect(await (await download).failure()).not.toBeNull();
  }, 120_000);

  it('holds the file in memory where nothing can stream to disk, and offers a Save of the checked file', async () => {
    const [alice, bob] = await inCall(browser, server.baseUrl, ['alice-f5', 'bob-f5'], BROWSER_WITHOUT_DISK_STREAMING);
    open.push(alice, bob);
    const file = fileOf('memory.bin', 2 * MB);
    await Promise.all([openFiles(alice.page), openFiles(bob.page)]);
    await alice.page.getByTestId('file-input').setInputFiles(file.path);
    await transfer(bob.page, 'incoming').waitFor({ timeout: 10_000 });
    await bob.page.getByTestId('file-accept').click();
    await transfer(bob.page, 'done').waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([bob.page.waitForEvent('download'), bob.page.getByTestId('file-save').click()]);
    expect(download.suggestedFilename()).toBe('memory.bin');
    expect(sha256Of(await download.path())).toBe(file.sha256);
  }, 120_000);
});
