import { Page } from 'playwright-core';
import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';
import { inCall } from './support/in-call';
import { startServer } from './support/server';

/** The data-testid of what has focus, or the tag name when it has none (BODY: focus is lost). */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? 'none');
}

async function waitForFocusOn(user: DuetUser, testId: string): Promise<void> {
  try {
    await user.page.waitForFunction((id) => document.activeElement?.getAttribute('data-testid') === id, testId, { timeout: 10_000 });
  } catch {
    throw new Error(`${user.name}: focus is on ${await focused(user.page)}, not on ${testId}`);
  }
}

declare global {
  interface Window {
    __saidOnCallScreen?: { statusTexts: string[]; notices: string[]; headerLabels: string[]; videoTops: number[]; offlineSince?: number; offlineFor?: number };
  }
}

/** Records, from inside the page, everything the call-status, the notice and the header said, and where the video sat. */
async function recordWhatIsSaid(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen = (window.__saidOnCallScreen = { statusTexts: [] as string[], notices: [] as string[], headerLabels: [] as string[], videoTops: [] as number[] } as NonNullable<Window['__saidOnCallScreen']>);
    const note = (list: string[], text: string | null | undefined) => {
      const trimmed = text?.trim();
      if (trimmed && list.at(-1) !== trimmed) list.push(trimmed);
    };
    const read = () => {
      note(seen.statusTexts, document.querySelector('[data-testid="call-status"]')?.textContent);
      note(seen.notices, document.querySelector('[data-testid="error-message"]')?.textContent);
      note(seen.headerLabels, document.querySelector('header.bar .link')?.textContent);
      const video = document.querySelector('[data-testid="remote-video"]');
      if (video) {
        const top = Math.round(video.getBoundingClientRect().top);
        if (seen.videoTops.at(-1) !== top) seen.videoTops.push(top);
      }
      const offline = document.querySelector('[data-testid="signaling-offline"]') !== null;
      if (offline && seen.offlineSince === undefined) seen.offlineSince = performance.now();
      if (!offline && seen.offlineSince !== undefined && seen.offlineFor === undefined) seen.offlineFor = performance.now() - seen.offlineSince;
    };
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    read();
  });
}

const seen = (page: Page) => page.evaluate(() => window.__saidOnCallScreen);

/**
 * Issue 20, items 11, 16 and 18: focus goes where the next step is (never to <body>), state changes
 * are announced, an outage mid-call is said once, and a call that never started does not "end".
 */
describe('the call screen says things once and keeps focus where the next step is', () => {
  const suite = browserSuite();

  it('focuses the name on load, the name again after a refused login, then calling, answering, the call and calling again', async () => {
    const carol = await DuetUser.logIn(suite.browser, suite.server.baseUrl, 'carol-focus');
    const alice = await DuetUser.open(suite.browser, suite.server.baseUrl, 'alice-focus');
    suite.open.push(carol, alice);
    await waitForFocusOn(alice, 'username-input');

    // A taken name: the login is refused, and the name is ready to be changed.
    await alice.page.keyboard.type(carol.name);
    await alice.page.keyboard.press('Enter');
    await alice.errorMessage();
    await waitForFocusOn(alice, 'username-input');

    await alice.page.getByTestId('username-input').fill(alice.name);
    await alice.page.keyboard.press('Enter');
    await alice.page.getByTestId('current-user').waitFor();
    await alice.recordStatuses();
    await waitForFocusOn(alice, 'callee-input');
    expect(await alice.page.getByTestId('call-status').getAttribute('role')).toBe('status');

    // Carol calls; alice answers with Enter (the prompt has focus), and lands on the call's controls.
    await carol.callByName(alice.name);
    await waitForFocusOn(carol, 'mute-button');
    await waitForFocusOn(alice, 'accept-button');
    await alice.page.keyboard.press('Enter');
    await Promise.all([alice.waitForStatus('connected'), carol.waitForStatus('connected')]);
    await waitForFocusOn(alice, 'mute-button');
    await waitForFocusOn(carol, 'mute-button');
    expect(await alice.page.getByTestId('call-status').getAttribute('role')).toBe('status');

    // Hang-up is two Tabs away; after it, both are back at the name to call.
    await alice.page.keyboard.press('Tab');
    await alice.page.keyboard.press('Tab');
    expect(await focused(alice.page)).toBe('hangup-button');
    await alice.page.keyboard.press('Enter');
    await Promise.all([alice.waitForStatus('idle'), carol.waitForStatus('idle')]);
    await waitForFocusOn(alice, 'callee-input');
    await waitForFocusOn(carol, 'callee-input');

    // Declined with Escape: back at the name to call, too.
    await carol.callByName(alice.name);
    await waitForFocusOn(alice, 'accept-button');
    await alice.page.keyboard.press('Escape');
    await alice.waitForStatus('idle');
    await waitForFocusOn(alice, 'callee-input');
  }, 90_000);

  it('never says "Call ended" of a call that never started', async () => {
    const alice = await DuetUser.logIn(suite.browser, suite.server.baseUrl, 'alice-never');
    suite.open.push(alice);
    await recordWhatIsSaid(alice.page);
    await alice.callByName('nobody-home');
    expect(await alice.errorMessage()).toBe('nobody-home is not online.');
    await alice.waitForStatus('idle');
    expect(await alice.statusHistory()).toContain('ended');
    expect((await seen(alice.page))?.statusTexts).not.toContain('Call ended');
  }, 30_000);

  it('explains the code on a key press, and says a server outage mid-call once, without moving the video', async () => {
    const [alice, bob] = await inCall(suite.browser, suite.server.baseUrl, ['alice-outage', 'bob-outage']);
    suite.open.push(alice, bob);

    // What the code is for opens with a key (or a tap), not only with a mouse hovering it.
    const about = alice.page.getByRole('button', { name: 'What is this code for?' });
    await about.focus();
    await alice.page.keyboard.press('Enter');
    expect(await alice.page.getByTestId('verification-code-explanation').textContent()).toContain('Read this code to each other');
    expect(await about.getAttribute('aria-expanded')).toBe('true');
    await about.click();
    await alice.page.getByTestId('verification-code-explanation').waitFor({ state: 'detached' });

    await recordWhatIsSaid(alice.page);
    await suite.server.crash();
    await alice.page.getByTestId('signaling-offline').waitFor();
    const shots = process.env['DUET_SCREENSHOTS'];
    if (shots) await alice.page.screenshot({ path: `${shots}/call-outage.png` });
    // The server stays down past the 1 s after which the old banner came (on an idle machine it
    // restarts in less), so what alice sees meanwhile is what a long outage shows.
    await alice.page.waitForFunction(
      () => {
        const since = window.__saidOnCallScreen?.offlineSince;
        return since !== undefined && performance.now() - since > 1_500;
      },
      undefined,
      { timeout: 10_000, polling: 100 },
    );
    suite.server = await startServer({ port: suite.server.port });
    await alice.page.getByTestId('signaling-offline').waitFor({ state: 'detached', timeout: 30_000 });

    const said = await seen(alice.page);
    expect(said?.offlineFor).toBeGreaterThan(1_500);
    expect(said?.notices).toEqual([]);
    expect(said?.headerLabels).toEqual(['online']);
    expect(said?.videoTops).toHaveLength(1);
  }, 90_000);
});
