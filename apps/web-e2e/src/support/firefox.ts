import { existsSync } from 'node:fs';
import type * as PuppeteerModule from 'puppeteer-core';

export type FirefoxBrowser = PuppeteerModule.Browser;

/**
 * Fake camera and microphone with no permission prompt (TOOLCHAIN.md, Firefox). Firefox's fake
 * camera is 640×480 at 30 fps here; its host candidates are mDNS `.local` names whatever the prefs.
 * `media.navigator.permission.disabled` also skips getDisplayMedia's picker (the first screen is
 * shared), but no pref fakes a screen: screen share needs an X display (`FirefoxOptions.display`).
 */
export const FIREFOX_PREFS: Record<string, unknown> = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // Headless here has no sound server, and without an audio device every AudioContext stays
  // suspended: a test's own ear (Person.startListening) would hear nothing. Firefox's mock audio
  // backend (its own tests use it) plays into nothing, as Chromium's --mute-audio does.
  'media.cubeb.force_mock_context': true,
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
export function launchFirefox(options: FirefoxOptions = {}): Promise<FirefoxBrowser> {
  return loadPuppeteer().launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: firefoxPath(),
    headless: true,
    extraPrefsFirefox: FIREFOX_PREFS,
    ...(options.display ? { env: { ...process.env, DISPLAY: options.display } } : {}),
  });
}

export interface FirefoxOptions {
  /** An X display (support/virtual-screen.ts) for getDisplayMedia to capture; headless has none. */
  display?: string;
}
