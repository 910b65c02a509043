import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, chromium, Response } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath, launchChromium } from './support/browser';
import { coveredOrOffScreen } from './support/covered';
import { DuetUser } from './support/duet-user';
import { RunningServer, startServer } from './support/server';

const OFFLINE_WORDS = 'You are offline. Duet needs a connection for calls; it will come back when you are online.';

/** A PNG's width and height, from its IHDR chunk (bytes 16–23). */
function pngSize(bytes: Buffer): string {
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

/**
 * Duet as an installable app (issue 24, item 5), in real Chromium over https (TLS=self-signed, its
 * certificate trusted): the manifest and its icons, the
 * browser's own installability verdict, the service worker taking control, and the offline page in
 * words once the server is gone.
 */
describe('Duet as an installable app, in real Chromium over https', () => {
  let browser: Browser;
  let server: RunningServer;
  /** Whether `server` still runs (the offline test stops it itself). */
  let serving = false;
  let cwd: string;
  const open: DuetUser[] = [];

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'duet-pwa-'));
    // Chromium registers no service worker from a page whose certificate it does not trust, even
    // one a person clicked through ("An SSL certificate error occurred when fetching the script").
    // The flag stands for a person who installed Duet's certificate (docs/browsers.md says how).
    browser = await launchChromium(['--ignore-certificate-errors']);
  }, 30_000);

  beforeEach(async () => {
    // TLS=self-signed keeps its certificate in <cwd>/.duet/tls: a scratch directory, not the repo.
    server = await startServer({ cwd, env: { TLS: 'self-signed' } });
    serving = true;
  }, 30_000);

  afterEach(async () => {
    await Promise.all(open.splice(0).map((user) => user.close().catch(() => undefined)));
    if (serving) await server.stop();
    serving = false;
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  async function openApp(name: string): Promise<DuetUser> {
    const user = await DuetUser.open(browser, server.baseUrl, name, '/', { ignoreHTTPSErrors: true });
    open.push(user);
    await user.page.getByTestId('username-input').waitFor();
    return user;
  }

  it('serves a manifest with the name, colours, standalone display and icons that resolve to PNGs of their sizes', async () => {
    const user = await openApp('manifest');
    const href = (await user.page.locator('link[rel="manifest"]').getAttribute('href')) ?? 'no manifest link';
    const response = await user.page.request.get(new URL(href, user.page.url()).href);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('application/manifest+json');
    const manifest = await response.json();
    expect(manifest).toMatchObject({
      name: 'Duet',
      short_name: 'Duet',
      start_url: '/',
      scope: '/',
      display: 'standalone',
      theme_color: '#f5f7fb',
      background_color: '#f5f7fb',
    });
    expect(manifest.description).toEqual(expect.any(String));
    const icons: { src: string; sizes: string; type: string; purpose: string }[] = manifest.icons;
    expect(icons.map((icon) => `${icon.sizes} ${icon.purpose}`).sort()).toEqual([
      '192x192 any',
      '512x512 any',
      '512x512 maskable',
    ]);
    for (const icon of icons) {
      const image = await user.page.request.get(new URL(icon.src, response.url()).href);
      expect(image.status()).toBe(200);
      expect(image.headers()['content-type']).toBe('image/png');
      expect(pngSize(await image.body())).toBe(icon.sizes);
    }
    const themeColors = await user.page.locator('meta[name="theme-color"]').evaluateAll((metas) =>
      metas.map((meta) => `${meta.getAttribute('media')} ${meta.getAttribute('content')}`),
    );
    expect(themeColors).toEqual(['(prefers-color-scheme: light) #f5f7fb', '(prefers-color-scheme: dark) #0f1420']);
  }, 60_000);

  it('is installable: Chromium reports no installability errors once the service worker controls the page', async () => {
    // Chromium never offers to install from an incognito context (what browser.newContext makes):
    // this person has a profile on disk, as everyone's browser does.
    const profile = mkdtempSync(join(tmpdir(), 'duet-pwa-profile-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      args: [...CHROMIUM_FLAGS, '--ignore-certificate-errors'],
      baseURL: server.baseUrl,
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('console', (message) => {
        if (message.text().includes('Content Security Policy')) DuetUser.cspViolations.push(`install: ${message.text()}`);
      });
      await page.goto('/');
      await page.getByTestId('username-input').waitFor();
      const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
      expect(scope).toBe(`${server.baseUrl}/`);

      // After a reload the worker controls the page: the build's scripts come from its cache, while
      // what is live (the sign-in settings) still goes to the server.
      const responses: Response[] = [];
      page.on('response', (response) => responses.push(response));
      await page.reload();
      await page.getByTestId('username-input').waitFor();
      expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${server.baseUrl}/sw.js`);
      const main = responses.find((response) => /\/main-[A-Z0-9]{8}\.js$/.test(response.url()));
      expect(main?.fromServiceWorker()).toBe(true);
      const settings = responses.find((response) => response.url().endsWith('/auth/settings'));
      expect(settings?.fromServiceWorker()).toBe(false);

      const cdp = await context.newCDPSession(page);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      expect(installabilityErrors).toEqual([]);
      await cdp.detach();
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 60_000);

  it('with the server gone, a navigation shows the offline page in words and a retry button nothing covers', async () => {
    const user = await openApp('offline');
    await user.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await user.page.reload();
    await user.page.getByTestId('username-input').waitFor();

    await server.stop();
    serving = false;
    await user.page.reload();
    const offline = user.page.getByTestId('offline-page');
    await offline.waitFor();
    expect((await offline.textContent())?.replace(/\s+/g, ' ')).toContain(OFFLINE_WORDS);
    const retry = user.page.getByTestId('offline-retry');
    expect(await retry.isVisible()).toBe(true);
    expect(await retry.textContent()).toBe('Try again');
    expect(await coveredOrOffScreen(user.page)).toEqual([]);

    // Trying again while the server is still gone brings the same page back, not a browser error.
    const reloaded = user.page.waitForEvent('load');
    await retry.click();
    await reloaded;
    await offline.waitFor();
  }, 60_000);
});
