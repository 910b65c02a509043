import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/** The flags TOOLCHAIN.md verified on this machine; the fake ones give a synthetic camera and mic. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

/**
 * The system Chromium (Debian's package; never a downloaded one). Missing Chromium is a failure,
 * never a skip: a green run must mean the calls were really made.
 */
export function chromiumPath(): string {
  const path = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    const where = process.env['CI'] ? 'CI: ' : '';
    throw new Error(
      `${where}Chromium not found at ${path}. The browser tests need it: apt-get install -y chromium ` +
        '(or set CHROMIUM_PATH). They are not skipped.',
    );
  }
  return path;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_FLAGS });
}
