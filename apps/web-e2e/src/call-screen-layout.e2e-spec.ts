import { mkdirSync } from 'node:fs';
import { Page } from 'playwright-core';
import { seriousViolations } from './support/axe';
import { browserSuite } from './support/browser-suite';
import { coveredOrOffScreen, sidewaysOverflow } from './support/covered';
import { DuetUser } from './support/duet-user';

const SHOTS = process.env['DUET_SCREENSHOTS'] ?? '/tmp/shots';

const SIZES = [
  { size: '1280x720', width: 1280, height: 720 },
  { size: '1920x1080', width: 1920, height: 1080 },
  { size: '390x844', width: 390, height: 844 },
] as const;
const CASES = SIZES.flatMap((size) => (['light', 'dark'] as const).map((scheme) => ({ ...size, scheme })));

/** Each panel of the call screen: the button that opens it, and what shows once it is open. */
const PANELS: { panel: string; open: (page: Page) => Promise<void> }[] = [
  {
    panel: 'chat',
    open: async (page) => {
      await page.getByTestId('chat-button').click();
      await page.getByTestId('chat-input').waitFor();
    },
  },
  {
    panel: 'files',
    open: async (page) => {
      await page.getByTestId('files-button').click();
      await page.locator('#call-files').waitFor({ state: 'visible' });
    },
  },
  {
    panel: 'stats',
    open: async (page) => {
      await page.getByRole('button', { name: 'Call quality' }).click();
      await page.getByTestId('stats-panel').locator('dd').first().waitFor();
    },
  },
  {
    panel: 'devices',
    open: async (page) => {
      await page.getByRole('button', { name: 'Camera, microphone and speaker' }).click();
      await page.getByTestId('speaker-select').waitFor();
    },
  },
];

/**
 * The call screen as people found it (issue 20, items 2 and 12): at three screen sizes, in both
 * themes, with each panel open, nothing covers a control or a message (the self-view least of all),
 * nothing scrolls sideways, and axe finds nothing serious. Saves a screenshot of each to look at.
 */
describe('the call screen keeps every control and message in reach', () => {
  const suite = browserSuite();
  beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

  it.each(CASES)('at $size in $scheme', async ({ size, width, height, scheme }) => {
    const options = { viewport: { width, height }, colorScheme: scheme };
    const alice = await DuetUser.logIn(suite.browser, suite.server.baseUrl, `alice-${size}-${scheme}`, '/', options);
    const bob = await DuetUser.logIn(suite.browser, suite.server.baseUrl, `bob-${size}-${scheme}`);
    suite.open.push(alice, bob);
    await alice.callByName(bob.name);
    await bob.accept();
    await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
    await alice.waitForRemoteVideo();
    await alice.page.getByTestId('verification-code').waitFor();
    await alice.page.getByTestId('quality-indicator').waitFor();
    const page = alice.page;

    // Messages both ways, so the chat has our own (right-hand) bubbles and theirs.
    await bob.page.getByTestId('chat-button').click();
    await bob.page.getByTestId('chat-input').fill('hello from bob');
    await bob.page.getByTestId('chat-send').click();
    const problems: string[] = [];
    /** `withAxe` false: the same screen as an earlier check but for where the self-view sits, which axe does not judge. */
    const check = async (what: string, withAxe = true) => {
      // Judge where things came to rest, not a self-view halfway to its new corner.
      await page.waitForFunction(() => document.getAnimations().every((animation) => !(animation instanceof CSSTransition)));
      problems.push(...(await coveredOrOffScreen(page)).map((problem) => `${what}: ${problem}`));
      const sideways = await sidewaysOverflow(page);
      if (sideways > 0) problems.push(`${what}: the page scrolls ${sideways} px sideways`);
      if (withAxe) problems.push(...(await seriousViolations(page)).map((violation) => `${what}: ${violation}`));
      await page.screenshot({ path: `${SHOTS}/call-${size}-${scheme}-${what}.png` });
    };

    await check('no-panel');
    // A phone shows the other person's whole picture, never a crop of it.
    const fit = await page.getByTestId('remote-video').evaluate((video) => getComputedStyle(video).objectFit);
    if (fit !== 'contain') problems.push(`the remote video is shown with object-fit ${fit}: its sides are cut off`);
    // Hang-up never sits alone on a row of its own.
    const rows = await page.getByRole('toolbar', { name: 'Call controls' }).evaluate((bar) => {
      const tops = Array.from(bar.querySelectorAll('button')).map((button) => Math.round(button.getBoundingClientRect().top));
      const hangUpTop = Math.round(bar.querySelector('[data-testid="hangup-button"]')?.getBoundingClientRect().top ?? -1);
      return tops.filter((top) => Math.abs(top - hangUpTop) < 8).length;
    });
    if (rows < 2) problems.push('hang-up is alone on its row of the control bar');

    for (const { panel, open } of PANELS) {
      await open(page);
      if (panel === 'chat') {
        // Enter, not a click on Send: whether Send can be clicked is what check() finds out.
        await page.getByTestId('chat-input').fill('hello from alice');
        await page.getByTestId('chat-input').press('Enter');
        await page.getByTestId('chat-message').nth(1).waitFor();
        // The input sits at the bottom of its panel, as in every chat.
        const [input, aside] = await Promise.all([page.getByTestId('chat-input').boundingBox(), page.locator('#call-chat').boundingBox()]);
        const gap = input && aside ? aside.y + aside.height - (input.y + input.height) : Infinity;
        if (gap >= 32) problems.push(`the chat input is ${Math.round(gap)} px above the bottom of its panel`);
        // Wherever the self-view goes, the panel stays clear of it.
        for (let move = 0; move < 4; move++) {
          const corner = await page.locator('duet-self-view').getAttribute('data-corner');
          await check(`chat-self-view-${corner}`, move === 0);
          await page.getByRole('button', { name: 'Move your video to another corner' }).click();
        }
      } else {
        await check(panel);
      }
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
