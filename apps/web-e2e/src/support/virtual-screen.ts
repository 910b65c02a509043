import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface VirtualScreen {
  /** The X display to put in DISPLAY, e.g. `:99`. */
  display: string;
  stop(): Promise<void>;
}

const XVFB = '/usr/bin/Xvfb';

/**
 * An X server with nothing on it (Xvfb). Headless Firefox has no screen to capture: its
 * getDisplayMedia answers NotFoundError whatever the prefs (`media.navigator.streams.fake` fakes
 * cameras and microphones only). Given DISPLAY, it captures this one, as a person's Firefox captures
 * theirs. The size is 16:9, a shape no fake camera has, so a test can tell screen from camera.
 */
export function startVirtualScreen(size = '1280x720x24'): Promise<VirtualScreen> {
  if (!existsSync(XVFB)) {
    const where = process.env['CI'] ? 'CI: ' : '';
    throw new Error(`${where}${XVFB} not found. Firefox's screen share needs it: apt-get install -y xvfb. Not skipped.`);
  }
  // -displayfd: Xvfb picks a free display itself and writes its number on fd 3 once it serves.
  const xvfb = spawn(XVFB, ['-displayfd', '3', '-screen', '0', size, '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  xvfb.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => xvfb.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let number = '';
    const fd3 = xvfb.stdio[3] as NodeJS.ReadableStream;
    fd3.on('data', (chunk: Buffer) => {
      number += chunk.toString();
      if (!number.includes('\n')) return;
      resolve({
        display: `:${number.trim()}`,
        stop: async () => {
          if (xvfb.exitCode === null) xvfb.kill('SIGTERM');
          await exited;
        },
      });
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before serving: ${stderr}`)));
    xvfb.once('error', reject);
  });
}
