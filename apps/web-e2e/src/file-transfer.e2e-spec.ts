import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { DuetUser } from './support/duet-user';
import { inCall } from './support/in-call';
import { rawChannelThroughput } from './support/raw-channel';
import { RunningServer, startServer } from './support/server';

const MB = 1024 * 1024;

async function openFiles(page: Page): Promise<void> {
  await page.getByTestId('files-button').click();
  await page.locator('[data-testid="file-input"]:not([disabled])').waitFor();
}

function transfer(page: Page, status?: string) {
  return page.locator(status ? `[data-testid="file-transfer"][data-status="${status}"]` : '[data-testid="file-transfer"]');
}

async function progress(page: Page): Promise<number> {
  return Number(await transfer(page).getByTestId('file-progress').evaluate((bar) => (bar as HTMLProgressElement).value));
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

  it('sends 50 MB that arrives with the right SHA-256, both bars at 100 %, and compares with a raw channel', async () => {
    const [alice, bob] = await inCall(browser, server.baseUrl, ['alice-f1', 'bob-f1']);
    open.push(alice, bob);
    const file = fileOf('fifty.bin', 50 * MB);
    await Promise.all([openFiles(alice.page), openFiles(bob.page)]);
    await alice.page.getByTestId('file-input').setInputFiles(file.path);

    const offer = transfer(bob.page, 'incoming');
    await offer.waitFor({ timeout: 10_000 });
    expect(await offer.textContent()).toContain('fifty.bin');
    expect(await offer.textContent()).toContain('52.4 MB');
    const startedAt = Date.now();
    await bob.page.getByTestId('file-accept').click();
    await transfer(bob.page, 'done').waitFor({ timeout: 120_000 });
    const seconds = (Date.now() - startedAt) / 1_000;
    await transfer(alice.page, 'done').waitFor({ timeout: 10_000 });
    expect(await progress(alice.page)).toBe(100);
    expect(await progress(bob.page)).toBe(100);

    const [download] = await Promise.all([bob.page.waitForEvent('download'), bob.page.getByTestId('file-save').click()]);
    expect(download.suggestedFilename()).toBe('fifty.bin');
    const saved = await download.path();
    expect(createHash('sha256').update(readFileSync(saved)).digest('hex')).toBe(file.sha256);

    const app = (50 * MB) / 1e6 / seconds;
    const raw = await rawChannelThroughput(alice.page, bob.page, 50 * MB);
    console.log(
      `file transfer on loopback, 50 MiB: app ${app.toFixed(1)} MB/s (accept to verified, hashing both sides) ` +
        `vs raw data-channel send loop ${raw.toFixed(1)} MB/s (${((app / raw) * 100).toFixed(0)} %)`,
    );
  }, 240_000);

  it('a cancel mid-way stops both sides and offers nothing to save; a declined offer sends nothing', async () => {
    const [alice, bob] = await inCall(browser, server.baseUrl, ['alice-f2', 'bob-f2']);
    open.push(alice, bob);
    const file = fileOf('big.bin', 400 * MB);
    await Promise.all([openFiles(alice.page), openFiles(bob.page)]);
    await alice.page.getByTestId('file-input').setInputFiles(file.path);
    await transfer(bob.page, 'incoming').waitFor({ timeout: 10_000 });
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
    expect(await bob.page.getByTestId('file-save').count()).toBe(0);

    // Bob declines the next one: alice sees it, nothing is sent.
    await alice.page.getByTestId('file-input').setInputFiles(fileOf('small.txt', 1_000).path);
    await transfer(bob.page, 'incoming').waitFor({ timeout: 10_000 });
    await bob.page.getByTestId('file-decline').click();
    await transfer(alice.page, 'declined').waitFor({ timeout: 10_000 });
  }, 240_000);

  it('reports a chunk damaged on the way as a mismatch on both sides and offers nothing to save', async () => {
    const [alice, bob] = await inCall(browser, server.baseUrl, ['alice-f3', 'bob-f3']);
    open.push(alice, bob);
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
    await Promise.all([openFiles(alice.page), openFiles(bob.page)]);
    await alice.page.getByTestId('file-input').setInputFiles(fileOf('damaged.bin', 5 * MB).path);
    await transfer(bob.page, 'incoming').waitFor({ timeout: 10_000 });
    await bob.page.getByTestId('file-accept').click();
    await transfer(bob.page, 'failed').waitFor({ timeout: 60_000 });
    expect(await transfer(bob.page).textContent()).toContain('checksum mismatch');
    expect(await bob.page.getByTestId('file-save').count()).toBe(0);
    await transfer(alice.page, 'failed').waitFor({ timeout: 10_000 });
  }, 120_000);
});
