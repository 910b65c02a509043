import { existsSync } from 'node:fs';
import type * as PuppeteerModule from 'puppeteer-core';

export type FirefoxBrowser = PuppeteerModule.Browser;

/**
 * Fake camera and microphone with no permission prompt (TOOLCHAIN.md, Firefox). Firefox's fake
 * camera is 640×480 at 30 fps here; its host candidates are mDNS `.local` names whatever the prefs.
 */
export const FIREFOX_PREFS: Record<string, unknown> = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // The tests' coturn listens on 127.0.0.1. Without this Firefox never sends to a loopback TURN
  // server: no relay candidate, an icecandidateerror 701, and coturn sees no request at all.
  'media.peerconnection.ice.loopback': true,
};

/** Debian's Firefox ESR; missing Firefox is a failure, never a skip (as for Chromium). */
export function firefoxPath(): string {
  const path = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';
  if (!existsSync(path)) {
    const where = process.env['CI'] ? 'CI: ' : '';
    throw new Error(
      `${where}Firefox not found at ${path}. The cross-browser tests need it: apt-get install -y firefox-esr ` +
        '(or set FIREFOX_PATH). They are not skipped.',
    );
  }
  return path;
}

/**
 * puppeteer-core is ESM only and Jest runs this suite as CommonJS, where its own module registry
 * cannot load ESM. Node (>= 22.12) can: take Node's real `require`, not Jest's, for this one package.
 */
function loadPuppeteer(): typeof PuppeteerModule.default {
  const { createRequire } = process.getBuiltinModule('node:module');
  const nodeRequire = createRequire(__filename);
  return (nodeRequire('puppeteer-core') as typeof PuppeteerModule).default;
}

/** Stock Firefox driven over WebDriver BiDi (Playwright's Firefox needs a patched build). */
export function launchFirefox(): Promise<FirefoxBrowser> {
  return loadPuppeteer().launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: firefoxPath(),
    headless: true,
    extraPrefsFirefox: FIREFOX_PREFS,
  });
}
