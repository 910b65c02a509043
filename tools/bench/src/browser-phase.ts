/**
 * The `browser` phase: what a person waits for in real Chromium, click Call to the first remote
 * frame and click Call to connected through coturn (relay-only) against host-only. These are the
 * browser specs in apps/web-e2e/src/bench (they drive Chromium with the e2e support code), run by
 * Jest, one file at a time and after the rounds, so no load of the bench's own lands on them.
 * Their correctness checks (a relay-only call reaches coturn, repeated calls connect) are in `npm test`.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { log, WORKSPACE } from './run-kit';

const JEST = join(WORKSPACE, 'node_modules/jest/bin/jest.js');
const CONFIG = 'apps/web-e2e/jest.bench.config.cts';
/** The lines the specs print with their figures. */
const FIGURE = /click Call -> /;

export interface BrowserTimings {
  /** One line per figure, e.g. `CONNECT-TIME relay-only: click Call -> connected over 7 calls: median …`. */
  readonly lines: string[];
}

/** Runs the browser timing specs; rejects (with Jest's output) when one fails. */
export function measureBrowser(calls: number): Promise<BrowserTimings> {
  log(`browser timings in Chromium (${CONFIG}), ${calls} calls of each kind`);
  const child = spawn(process.execPath, [JEST, '--config', CONFIG], {
    cwd: WORKSPACE,
    env: { ...process.env, CONNECT_TIME_CALLS: String(calls) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      const lines = output.split('\n').filter((line) => FIGURE.test(line)).map((line) => line.trim());
      if (code === 0 && lines.length > 0) resolve({ lines });
      else reject(new Error(`the browser timings failed (jest exited ${code}):\n${output}`));
    });
  });
}
