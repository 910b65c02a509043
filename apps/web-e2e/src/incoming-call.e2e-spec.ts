import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';

declare global {
  interface Window {
    __seen?: { notifications: string[]; tones: number };
    __hideTab?: () => void;
  }
}

/**
 * What the browser shows and plays, recorded from outside the app: this script is the test's,
 * installed in the test's browser context, never part of the app.
 */
function recordAlerts(): void {
  const seen = (window.__seen = { notifications: [] as string[], tones: 0 });
  const Real = window.Notification;
  class Recorded extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      seen.notifications.push(title);
    }
  }
  Object.defineProperty(window, 'Notification', { value: Recorded });
  // Headless Chromium never hides a background tab, so the test hides this one the way the browser
  // would: visibilityState turns "hidden" and visibilitychange fires.
  let hidden = false;
  Object.defineProperty(Document.prototype, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible') });
  window.__hideTab = () => {
    hidden = true;
    document.dispatchEvent(new Event('visibilitychange'));
  };
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (this: OscillatorNode, when?: number) {
    seen.tones += 1;
    return start.call(this, when);
  };
}

describe('an incoming call in real Chromium', () => {
  const suite = browserSuite();
  let run = 0;

  async function pair(): Promise<[DuetUser, DuetUser]> {
    run += 1;
    const alice = await DuetUser.logIn(suite.browser, suite.server.baseUrl, `alice-i${run}`);
    const bob = await DuetUser.open(suite.browser, suite.server.baseUrl, `bob-i${run}`, '/', {
      permissions: ['camera', 'microphone', 'notifications'],
    });
    suite.open.push(alice, bob);
    await bob.context.addInitScript(recordAlerts);
    await bob.page.reload();
    await bob.submitLogin(bob.name);
    await bob.page.getByTestId('current-user').filter({ hasText: bob.name }).waitFor();
    await bob.recordStatuses();
    return [alice, bob];
  }

  it('rings with a generated tone, names the caller in the tab title, takes focus, and Enter accepts', async () => {
    const [alice, bob] = await pair();
    expect(await bob.page.title()).toBe('Duet');
    await alice.callByName(bob.name);
    await bob.page.getByTestId('incoming-call').waitFor();
    await bob.page.waitForFunction(() => document.title.includes('is calling'));
    expect(await bob.page.title()).toContain(alice.name);
    await bob.page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'accept-button');
    await bob.page.waitForFunction(() => (window.__seen?.tones ?? 0) > 0);
    expect(await bob.page.getByTestId('call-status').textContent()).toBe(`${alice.name} is calling you`);

    await bob.page.keyboard.press('Enter');
    await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
    expect(await bob.page.title()).toBe('Duet');
    const tones = await bob.page.evaluate(() => window.__seen?.tones ?? 0);
    // No ring after the answer: the count stays put while the call runs.
    await alice.waitForRemoteVideo();
    expect(await bob.page.evaluate(() => window.__seen?.tones ?? 0)).toBe(tones);
  }, 60_000);

  it('Escape declines, and the caller is told', async () => {
    const [alice, bob] = await pair();
    await alice.callByName(bob.name);
    await bob.page.getByTestId('incoming-call').waitFor();
    await bob.page.keyboard.press('Escape');
    expect(await alice.errorMessage()).toBe(`${bob.name} declined the call.`);
    await bob.waitForStatus('idle');
  }, 60_000);

  it('shows a system notification when the tab is in the background', async () => {
    const [alice, bob] = await pair();
    await alice.callByName(bob.name);
    await bob.page.getByTestId('incoming-call').waitFor();
    expect(await bob.page.evaluate(() => window.__seen?.notifications)).toEqual([]);

    await bob.page.evaluate(() => window.__hideTab?.());
    await bob.page.waitForFunction(() => (window.__seen?.notifications.length ?? 0) > 0);
    expect(await bob.page.evaluate(() => window.__seen?.notifications)).toEqual([`${alice.name} is calling you`]);
  }, 60_000);

  it('clears the last call’s notice when the next call rings', async () => {
    const [alice, bob] = await pair();
    await alice.callByName(bob.name);
    await bob.accept();
    await bob.waitForStatus('connected');
    await alice.hangUp();
    expect(await bob.errorMessage()).toBe(`${alice.name} hung up.`);
    await bob.waitForStatus('idle');

    await alice.callByName(bob.name);
    await bob.page.getByTestId('incoming-call').waitFor();
    expect(await bob.page.getByTestId('error-message').count()).toBe(0);
  }, 60_000);
});
