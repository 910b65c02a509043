import { Page } from 'playwright-core';
import { seriousViolations } from './support/axe';
import { browserSuite } from './support/browser-suite';
import { coveredControls } from './support/covered';
import { DuetUser } from './support/duet-user';
import { PORTAL_SECRET, portalToken } from './support/portal-token';

/**
 * The server's default invite lifetime: about 11 s, so an unused link expires within a test (its
 * join page is checked first, at six layouts, which takes about that long).
 */
const DEFAULT_TTL_HOURS = 0.003;
/** What a guest types: markup, which must show as text everywhere. */
const GUEST_NAME = '<b>Ann</b>';

const LAYOUTS = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
  { width: 390, height: 844 },
].flatMap((size) => (['light', 'dark'] as const).map((colorScheme) => ({ ...size, colorScheme })));

/**
 * Guest invite links (issue 25) as people use them, in real Chromium against the real server in
 * JWT mode with accounts: a member makes a link, a guest opens it in another browser, picks a name
 * and calls the member; what a guest may not do; a link that expires, and one revoked mid-session.
 */
describe('guest invite links, in real Chromium', () => {
  const suite = browserSuite({
    env: {
      AUTH_MODE: 'jwt',
      AUTH_JWT_SECRET: PORTAL_SECRET,
      INVITE_TTL_HOURS: String(DEFAULT_TTL_HOURS),
      // Every browser here is 127.0.0.1: the per-address join limit is not what these tests are about.
      GUEST_JOINS_PER_MINUTE: '1000',
    },
  });

  /** Opens Duet as a portal would (`/#access_token=<JWT>`); resolves once signed in. */
  async function openAs(name: string): Promise<DuetUser> {
    const user = await DuetUser.open(suite.browser, suite.server.baseUrl, name, `/#access_token=${await portalToken(name)}`);
    suite.open.push(user);
    await user.page.getByTestId('current-user').filter({ hasText: name }).waitFor({ timeout: 15_000 });
    return user;
  }

  /** `member` opens the invite dialog and makes a link lasting `choice` (an option's label); returns its URL. */
  async function makeLink(member: DuetUser, choice?: string): Promise<string> {
    const dialog = member.page.getByRole('dialog', { name: 'Invite a guest' });
    if (!(await dialog.isVisible())) await member.page.getByTestId('invite-button').click();
    await dialog.waitFor();
    if (choice) await dialog.getByLabel('Link expires after').selectOption({ label: choice });
    // allTextContents does not wait: on a fresh dialog there is no link yet (textContent would wait 30 s for one).
    const before = (await dialog.getByTestId('invite-link').allTextContents())[0] ?? null;
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const link = dialog.getByTestId('invite-link');
    await member.page.waitForFunction(
      (previous) => {
        const text = document.querySelector('[data-testid="invite-link"]')?.textContent ?? null;
        return text !== null && text !== previous;
      },
      before,
    );
    return (await link.textContent()) ?? '';
  }

  /** A guest opens `link` in a browser of their own; resolves at the join page. */
  async function openLink(link: string, label = 'guest'): Promise<DuetUser> {
    const guest = await DuetUser.open(suite.browser, suite.server.baseUrl, label, new URL(link).pathname);
    suite.open.push(guest);
    return guest;
  }

  async function join(guest: DuetUser, inviter: string, name = GUEST_NAME): Promise<void> {
    await guest.page.getByRole('heading', { name: `${inviter} invited you to a call on Duet` }).waitFor();
    await guest.page.getByTestId('guest-name-input').fill(name);
    await guest.page.getByTestId('guest-join-button').click();
    await guest.page.getByTestId('current-user').filter({ hasText: name }).waitFor({ timeout: 15_000 });
    await guest.recordStatuses();
  }

  it('a member invites a guest; the guest joins by a name with markup (shown as text), calls, and the call connects both ways', async () => {
    const alice = await openAs('gst-alice');
    const link = await makeLink(alice, '1 hour');
    expect(link).toMatch(new RegExp(`^${suite.server.baseUrl}/join/[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
    await alice.page.getByRole('button', { name: 'Close' }).click();
    await alice.recordStatuses();

    const guest = await openLink(link);
    await join(guest, 'gst-alice');
    // The invite is not left in the address bar (or history); the name is text, not markup.
    expect(new URL(guest.page.url()).pathname).toBe('/');
    expect(await guest.page.getByTestId('current-user').evaluate((element) => element.children.length)).toBe(0);
    expect(await guest.page.locator('.me').textContent()).toContain('Guest');
    expect(await guest.page.getByTestId('callee-input').count()).toBe(0);
    expect(await guest.page.getByTestId('invite-button').count()).toBe(0);

    const waiting = alice.page.getByTestId('guest-waiting');
    await waiting.waitFor();
    expect(await waiting.textContent()).toContain(`${GUEST_NAME} (guest) is waiting`);
    expect(await waiting.locator('b').count()).toBe(0);

    const call = guest.page.getByTestId('call-button');
    expect((await call.textContent())?.trim()).toBe('Call gst-alice');
    await guest.page.getByText('gst-alice is online').waitFor();
    await call.click();
    await alice.page.getByTestId('incoming-call').filter({ hasText: `${GUEST_NAME} (guest) is calling you` }).waitFor();
    await alice.accept();
    await Promise.all([alice.waitForStatus('connected'), guest.waitForStatus('connected')]);
    const [seenByAlice, seenByGuest] = await Promise.all([alice.waitForRemoteVideo(), guest.waitForRemoteVideo()]);
    expect(seenByAlice.frames).toBeGreaterThan(0);
    expect(seenByGuest.frames).toBeGreaterThan(0);
    const codes = await Promise.all(
      [alice, guest].map(async (user) => {
        const code = user.page.getByTestId('verification-code');
        await code.waitFor();
        return (await code.textContent())?.trim();
      }),
    );
    expect(codes[0]).toMatch(/^\d{3} \d{3}$/);
    expect(codes[1]).toBe(codes[0]);
    expect(await alice.page.locator('body').textContent()).not.toContain('guest:');
    await guest.hangUp();
  }, 90_000);

  it("a guest cannot call anyone but their inviter: the server refuses (forbidden) and the other member hears nothing", async () => {
    const carol = await openAs('gst-carol');
    const bob = await openAs('gst-bob');
    const guest = await openLink(await makeLink(carol, '1 hour'));
    await join(guest, 'gst-carol', 'Dee');
    const token = await guest.page.evaluate(() => (JSON.parse(sessionStorage.getItem('duet.guest-session') ?? '{}') as { token?: string }).token);
    expect(token).toBeTruthy();
    // The page leaves (freeing the name); the token still opens a socket of the guest's own.
    await guest.page.getByTestId('logout-button').click();
    await guest.page.getByTestId('error-message').filter({ hasText: 'open the invite link again while it is still valid' }).waitFor();

    const replies = await guest.page.evaluate(async (guestToken) => {
      const url = `${location.origin.replace(/^http/, 'ws')}/ws`;
      const socket = new WebSocket(url, ['duet', `access_token.${guestToken}`]);
      const received: Array<Record<string, unknown>> = [];
      const next = (type: string) =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no ${type}; got ${JSON.stringify(received)}`)), 10_000);
          socket.addEventListener('message', function listener(event) {
            const message = JSON.parse(String(event.data)) as Record<string, unknown>;
            received.push(message);
            if (message['type'] !== type) return;
            clearTimeout(timer);
            socket.removeEventListener('message', listener);
            resolve(message);
          });
        });
      await new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.onerror = reject;
      });
      const login = next('login');
      socket.send(JSON.stringify({ type: 'login' }));
      const loggedIn = await login;
      const error = next('error');
      socket.send(JSON.stringify({ type: 'offer', otherUsername: 'gst-bob', offer: { type: 'offer', sdp: 'v=0\r\n' } }));
      const refused = await error;
      socket.close();
      return { loggedIn, refused };
    }, token);
    expect(replies.loggedIn).toMatchObject({ success: true, username: 'guest:gst-carol:Dee' });
    expect(replies.refused).toMatchObject({ code: 'forbidden', replyTo: 'offer' });
    // Bob got nothing: his socket saw no offer, and his page no incoming call.
    expect(bob.received.some(({ message }) => message['type'] === 'offer')).toBe(false);
    expect(await bob.page.getByTestId('incoming-call').count()).toBe(0);
  }, 60_000);

  it('an expired link says so in words; a link revoked mid-session ends the guest session in words; the pages pass layout and axe checks', async () => {
    const erin = await openAs('gst-erin');
    // The server's default (about 14 s) is the dialog's first choice.
    const shortLink = await makeLink(erin);
    const token = new URL(shortLink).pathname.split('/').pop() ?? '';
    const joinPage = await openLink(shortLink, 'late-guest');
    await joinPage.page.getByRole('heading', { name: 'gst-erin invited you to a call on Duet' }).waitFor();
    await checkLayouts(joinPage.page, 'guest-join', 'main');
    // Wait for the link to expire by asking the server, then open it again.
    await waitUntilExpired(token);
    await joinPage.page.reload();
    await joinPage.page.getByTestId('error-message').filter({ hasText: 'This invite link has expired' }).waitFor();

    const link = await makeLink(erin, '1 hour');
    await checkLayouts(erin.page, 'invite-dialog', 'dialog');
    const guest = await openLink(link);
    await join(guest, 'gst-erin', 'Fay');
    await erin.page.getByTestId('guest-waiting').waitFor();
    // A reload stays in (the tab keeps the guest session; the address is / by now).
    await guest.page.reload();
    await guest.page.getByTestId('current-user').filter({ hasText: 'Fay' }).waitFor({ timeout: 15_000 });
    await checkLayouts(guest.page, 'guest-lobby', 'main');

    // The revoke of the link just made (the first invite-revoke in the dialog).
    await erin.page.getByRole('dialog').getByTestId('invite-revoke').first().click();
    await guest.page.getByTestId('error-message').filter({ hasText: 'gst-erin revoked your invite; this guest session has ended.' }).waitFor();
    // The tab forgot the revoked session: a reload does not try it again.
    await guest.page.reload();
    await guest.page.getByTestId('error-message').filter({ hasText: 'This guest session has ended. To come back, open the invite link again' }).waitFor();
    expect(await guest.page.getByTestId('current-user').count()).toBe(0);
    await erin.page.getByRole('dialog').getByText('Revoked: this link no longer works').waitFor();
    await erin.page.keyboard.press('Escape');
    await erin.page.getByRole('dialog').waitFor({ state: 'hidden' });
    await erin.page.getByTestId('guest-waiting').waitFor({ state: 'detached' });
  }, 120_000);

  async function waitUntilExpired(token: string): Promise<void> {
    for (;;) {
      const response = await fetch(`${suite.server.baseUrl}/api/guest-sessions/preview`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ invite: token }),
      });
      const body = (await response.json()) as { problem?: string };
      if (body.problem === 'expired') return;
      await new Promise<void>((resolve) => {
        const poll = setTimeout(resolve, 500);
        poll.unref?.();
      });
    }
  }

  /**
   * `page` at each size and theme: nothing covers a control under `root`, nothing scrolls sideways;
   * axe finds nothing serious at the first size of each theme (what it checks, contrast and names,
   * does not change with the size, and each run costs a second or two of CI).
   */
  async function checkLayouts(page: Page, label: string, root: string): Promise<void> {
    const directory = process.env['DUET_SCREENSHOTS'];
    const original = page.viewportSize();
    const axeChecked = new Set<string>();
    for (const { width, height, colorScheme } of LAYOUTS) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme });
      const where = `${label} ${width}x${height} ${colorScheme}`;
      expect({ where, covered: await coveredControls(page, root) }).toEqual({ where, covered: [] });
      expect({ where, sideways: await page.evaluate(() => document.documentElement.scrollWidth - innerWidth) }).toEqual({ where, sideways: 0 });
      if (!axeChecked.has(colorScheme)) {
        axeChecked.add(colorScheme);
        expect({ where, axe: await seriousViolations(page) }).toEqual({ where, axe: [] });
      }
      if (directory) await page.screenshot({ path: `${directory}/${label}-${width}x${height}-${colorScheme}.png`, fullPage: true });
    }
    if (original) await page.setViewportSize(original);
    await page.emulateMedia({ colorScheme: null });
  }
});
