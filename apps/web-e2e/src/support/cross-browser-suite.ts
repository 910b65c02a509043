import { Browser } from 'playwright-core';
import { launchChromium } from './browser';
import { FirefoxBrowser, launchFirefox } from './firefox';
import { Engine, within } from './page-driver';
import { Person } from './person';
import { RunningServer, ServerOptions, startServer } from './server';
import { VirtualScreen, startVirtualScreen } from './virtual-screen';

/** Every pair of engines a cross-browser flow runs in, each way round: [caller, callee]. */
export const DIRECTIONS: [Engine, Engine][] = [
  ['chromium', 'firefox'],
  ['firefox', 'chromium'],
];

export interface CrossBrowserSuite {
  server: RunningServer;
  chromium: Browser;
  firefox: FirefoxBrowser;
  /** A person in `engine`, logged in to this file's server; closed after the test. */
  logIn(engine: Engine, name: string): Promise<Person>;
  /** A person in `engine` who has not opened the app yet (to add init scripts first); closed after the test. */
  open(engine: Engine, name: string): Promise<Person>;
  /** What else a test started (a TURN server, a proxy): stopped after it, once its people are closed. */
  readonly stopAfterTest: (() => Promise<void>)[];
}

export interface SuiteExtras {
  /** Gives Firefox an X display to share (support/virtual-screen.ts): only screen-share tests need it. */
  firefoxScreen?: boolean;
}

/**
 * One real server, one Chromium (Playwright) and one Firefox ESR (puppeteer-core over WebDriver
 * BiDi) for the whole file; each test's people closed after it. Call it inside `describe`.
 */
export function crossBrowserSuite(options: ServerOptions = {}, extras: SuiteExtras = {}): CrossBrowserSuite {
  const people: Person[] = [];
  const suite = { stopAfterTest: [] as (() => Promise<void>)[] } as unknown as CrossBrowserSuite;
  let screen: VirtualScreen | undefined;

  suite.open = async (engine, name) => {
    const person = engine === 'chromium' ? await Person.inChromium(suite.chromium, name) : await openInFirefox(name);
    people.push(person);
    return person;
  };
  /**
   * Firefox's remote agent, once poisoned, answers every new tab with "no such frame" for the rest
   * of the process (CI runs N and A, after a test's user context closed mid-download; a fresh user
   * context does not help, see Person.inFirefox): a fresh Firefox for the rest of the file does.
   */
  const openInFirefox = async (name: string): Promise<Person> => {
    try {
      return await Person.inFirefox(suite.firefox, name);
    } catch (error) {
      if (!/DiscardedBrowsingContext|no such frame/.test(String(error))) throw error;
      const poisoned = suite.firefox;
      await within(poisoned.close(), 'close Firefox').catch(() => poisoned.process()?.kill('SIGKILL'));
      suite.firefox = await launchFirefox({ display: screen?.display });
      return Person.inFirefox(suite.firefox, name);
    }
  };
  suite.logIn = async (engine, name) => {
    const person = await suite.open(engine, name);
    await person.logIn(suite.server.baseUrl);
    return person;
  };

  beforeAll(async () => {
    // Each assigned as it comes, so afterAll stops whatever did start if another one failed.
    await Promise.all([
      startServer(options).then((server) => (suite.server = server)),
      launchChromium().then((browser) => (suite.chromium = browser)),
      (extras.firefoxScreen ? startVirtualScreen().then((started) => (screen = started)) : Promise.resolve(undefined))
        .then((started) => launchFirefox({ display: started?.display }))
        .then((browser) => (suite.firefox = browser)),
    ]);
  }, 60_000);

  afterEach(async () => {
    await Promise.all(people.splice(0).map((person) => person.close().catch(() => undefined)));
    await Promise.all(suite.stopAfterTest.splice(0).map((stop) => stop().catch(() => undefined)));
  });

  afterAll(async () => {
    await Promise.all([suite.chromium?.close(), suite.firefox?.close(), suite.server?.stop()]);
    await screen?.stop();
  });

  return suite;
}

/** `caller` calls `callee` by name and `callee` accepts: both reach "connected" and see the other's video move. */
export async function callAndAnswer(caller: Person, callee: Person): Promise<void> {
  await caller.callByName(callee.name);
  await callee.waitForStatus('ringing');
  await callee.accept();
  await Promise.all([caller.waitForStatus('connected'), callee.waitForStatus('connected')]);
  await Promise.all([caller.waitForNewFrames('remote-video'), callee.waitForNewFrames('remote-video')]);
}
