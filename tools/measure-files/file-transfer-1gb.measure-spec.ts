import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, CDPSession, Page } from 'playwright-core';
import { launchChromium } from '../../apps/web-e2e/src/support/browser';
import { browserProcesses } from '../../apps/web-e2e/src/support/browser-processes';
import { DuetUser, UserOptions } from '../../apps/web-e2e/src/support/duet-user';
import { RunningServer, startServer } from '../../apps/web-e2e/src/support/server';

/**
 * A real 1 GiB file between two Chromium browsers through the app, as a person does it: pick,
 * accept, wait for "checked". Prints the receiving browser's memory while it runs (all its
 * processes, proportional set size, from /proc) and the page's JS heap (CDP), and checks the
 * SHA-256 of what landed on disk. Two separate browsers, so the receiver's figures are its own.
 *
 * MEASURE_BYTES (default 1 GiB) and MEASURE_PATH (`download`, the service-worker stream, default;
 * `memory`, the fallback that holds the file in memory, for comparison) change what is measured.
 */
const BYTES = Number(process.env['MEASURE_BYTES'] ?? 1024 ** 3);
const PATH = process.env['MEASURE_PATH'] ?? 'download';
const MB = 1e6;

const RECEIVER: UserOptions =
  PATH === 'memory'
    ? {
        initScripts: [
          () => {
            delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
            delete (Navigator.prototype as { serviceWorker?: unknown }).serviceWorker;
          },
        ],
      }
    : // Headless Chromium cannot show the save dialog: measure the streamed download.
      { initScripts: [() => void delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker] };

/** Proportional set size (bytes) of the browser whose command line has `marker`, and all its descendants. */
function browserPss(marker: string): number {
  let total = 0;
  for (const pid of browserProcesses(marker)) {
    try {
      const pss = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      total += pss ? Number(pss[1]) * 1024 : 0;
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

async function jsHeapUsed(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0;
}

function status(page: Page, value: string) {
  return page.locator(`[data-testid="file-transfer"][data-status="${value}"]`);
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('a 1 GiB file between two Chromium browsers', () => {
  let server: RunningServer;
  let senderBrowser: Browser;
  let receiverBrowser: Browser;
  let dir: string;
  const users: DuetUser[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duet-measure-'));
    server = await startServer();
    senderBrowser = await launchChromium(['--duet-measure=sender']);
    receiverBrowser = await launchChromium(['--duet-measure=receiver']);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(users.map((user) => user.close().catch(() => undefined)));
    await senderBrowser?.close();
    await receiverBrowser?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('arrives whole (SHA-256 equal) while the receiving browser stays within its memory bound', async () => {
    // The file: random bytes written 16 MiB at a time, hashed on the way.
    const path = join(dir, 'one-gib.bin');
    const fd = openSync(path, 'w');
    const hash = createHash('sha256');
    for (let left = BYTES; left > 0; left -= 16 * 1024 * 1024) {
      const block = randomBytes(Math.min(left, 16 * 1024 * 1024));
      hash.update(block);
      writeSync(fd, block);
    }
    closeSync(fd);
    const expected = hash.digest('hex');

    const alice = await DuetUser.logIn(senderBrowser, server.baseUrl, 'alice-gib');
    users.push(alice);
    const bob = await DuetUser.logIn(receiverBrowser, server.baseUrl, 'bob-gib', '/', RECEIVER);
    users.push(bob);
    await alice.callByName(bob.name);
    await bob.accept();
    await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);

    const cdp = await bob.page.context().newCDPSession(bob.page);
    await cdp.send('Performance.enable');
    for (const page of [alice.page, bob.page]) {
      await page.getByTestId('files-button').click();
      await page.locator('[data-testid="file-input"]:not([disabled])').waitFor({ state: 'attached' });
    }
    await alice.page.getByTestId('file-input').setInputFiles(path);
    await status(bob.page, 'incoming').waitFor({ timeout: 30_000 });

    const before = { pss: browserPss('--duet-measure=receiver'), heap: await jsHeapUsed(cdp) };
    const samples: { at: number; pss: number; heap: number }[] = [];
    const startedAt = Date.now();
    const download = PATH === 'memory' ? null : bob.page.waitForEvent('download', { timeout: 60_000 });
    await bob.page.getByTestId('file-accept').click();
    let finished = false;
    const done = status(bob.page, 'done')
      .or(status(bob.page, 'failed'))
      .waitFor({ timeout: 3_600_000 })
      .finally(() => (finished = true));
    while (!finished) {
      samples.push({ at: (Date.now() - startedAt) / 1_000, pss: browserPss('--duet-measure=receiver'), heap: await jsHeapUsed(cdp) });
      await Promise.race([done.catch(() => undefined), new Promise((tick) => setTimeout(tick, 2_000))]);
    }
    await done;
    const seconds = (Date.now() - startedAt) / 1_000;
    const after = { pss: browserPss('--duet-measure=receiver'), heap: await jsHeapUsed(cdp) };
    expect(await bob.page.locator('[data-testid="file-transfer"]').getAttribute('data-status')).toBe('done');

    let savedPath: string;
    if (download) {
      savedPath = await (await download).path();
    } else {
      const [saved] = await Promise.all([bob.page.waitForEvent('download'), bob.page.getByTestId('file-save').click()]);
      savedPath = await saved.path();
    }
    const actual = await sha256OfFile(savedPath);

    const peakPss = Math.max(...samples.map((sample) => sample.pss));
    const peakHeap = Math.max(...samples.map((sample) => sample.heap));
    const lines = [
      `file transfer, ${(BYTES / MB).toFixed(0)} MB (${BYTES} bytes), receiver path: ${PATH}`,
      `  accept to checked: ${seconds.toFixed(0)} s, ${(BYTES / MB / seconds).toFixed(2)} MB/s`,
      `  SHA-256 sent     ${expected}`,
      `  SHA-256 on disk  ${actual}`,
      `  receiving browser, all processes (PSS): before ${(before.pss / MB).toFixed(0)} MB, ` +
        `peak ${(peakPss / MB).toFixed(0)} MB (+${((peakPss - before.pss) / MB).toFixed(0)} MB), after ${(after.pss / MB).toFixed(0)} MB`,
      `  receiving page JS heap used (CDP): before ${(before.heap / MB).toFixed(1)} MB, peak ${(peakHeap / MB).toFixed(1)} MB, ` +
        `after ${(after.heap / MB).toFixed(1)} MB`,
      `  ${samples.length} samples every 2 s; every 10th: ` +
        samples
          .filter((_, index) => index % 10 === 0)
          .map((sample) => `${sample.at.toFixed(0)} s ${(sample.pss / MB).toFixed(0)}/${(sample.heap / MB).toFixed(0)} MB`)
          .join(', '),
    ];
    console.log(lines.join('\n'));
    expect(actual).toBe(expected);
  });
});
