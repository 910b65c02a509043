import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/**
 * The flags TOOLCHAIN.md verified on this machine; the fake ones give synthetic cameras, microphones
 * and a synthetic 1280×720 screen for getDisplayMedia.
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Three fake cameras, so switching cameras is a real switch (there are three fake microphones
  // anyway). Chromium's second fake camera (fake_device_1) delivers Y16 depth frames, which the
  // video encoder cannot send; tests switch to fake_device_2 (MJPEG), a camera like a real one.
  // 10 frames a second (Chromium's fake camera gives 20 by default): every test's video still moves,
  // and CI's two cores encode and decode less (call and chat specs, machine-wide CPU-seconds:
  // 102 at 20 fps, 80 at 15; then, with ts-jest transpiling only, 69 at 15 and 64 at 10).
  '--use-fake-device-for-media-stream=device-count=3,fps=10',
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

export function launchChromium(extraFlags: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: [...CHROMIUM_FLAGS, ...extraFlags] });
}
