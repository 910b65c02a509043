import { Browser } from 'playwright-core';
import { launchChromium } from './browser';
import { DuetUser } from './duet-user';
import { RunningServer, ServerOptions, startServer } from './server';

export interface BrowserSuite {
  /** The file's server (a test may replace it, e.g. with a restarted one). */
  server: RunningServer;
  browser: Browser;
  /** Users a test opened: closed after that test, whatever its outcome. */
  readonly open: DuetUser[];
  /** What else a test started (a middleman, a proxy): stopped after it, once its users are closed. */
  readonly stopAfterTest: (() => Promise<void>)[];
}

/**
 * The usual file of browser tests: one real server (with `options`) and one Chromium for the whole
 * file, each test's users closed after it, everything stopped at the end. Call it inside `describe`.
 */
export function browserSuite(options: ServerOptions = {}): BrowserSuite {
  const suite = { open: [] as DuetUser[], stopAfterTest: [] as (() => Promise<void>)[] } as unknown as BrowserSuite;

  beforeAll(async () => {
    suite.server = await startServer(options);
    suite.browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(suite.open.splice(0).map((user) => user.close().catch(() => undefined)));
    await Promise.all(suite.stopAfterTest.splice(0).map((stop) => stop().catch(() => undefined)));
  });

  afterAll(async () => {
    await suite.browser?.close();
    await suite.server?.stop();
  });

  return suite;
}
