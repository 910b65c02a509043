import { PushEndpoint, startPushEndpoint } from '@duet/testing/processes';
import { Page } from 'playwright-core';
import { seriousViolations } from './support/axe';
import { browserSuite } from './support/browser-suite';
import { coveredControls } from './support/covered';
import { DuetUser } from './support/duet-user';
import { startServer } from './support/server';
import { PORTAL_SECRET, portalToken } from './support/portal-token';

/** Short, so "nobody answered" comes soon; the ring is a real one all the same. */
const RING_TIMEOUT_MS = 3_000;

/** The text of each history row of `page`: peer, then what the row says. */
function historyRows(page: Page): Promise<string[]> {
  return page
    .getByTestId('call-history-entry')
    .evaluateAll((rows) => rows.map((row) => `${row.querySelector('.peer')?.textContent} | ${row.querySelector('.detail')?.textContent}`));
}

const LAYOUTS = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
  { width: 390, height: 844 },
].flatMap((size) => (['light', 'dark'] as const).map((colorScheme) => ({ ...size, colorScheme })));

/**
 * Call history and missed calls (issue 24) as people see them, in real Chromium against the real
 * server in JWT mode with accounts (SQLite in a temp dir): a call to someone offline whose browser
 * is subscribed rings their devices (a local push service), nobody answers, and each side's history
 * says so after sign-in; the callee sees a missed-call badge until they open the history.
 */
describe('call history and missed calls, in real Chromium', () => {
  let push: PushEndpoint;
  /** Filled in once the push service runs, before the suite starts its server with it. */
  const env: Record<string, string> = { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: PORTAL_SECRET, RING_TIMEOUT_MS: String(RING_TIMEOUT_MS) };

  beforeAll(async () => {
    push = await startPushEndpoint();
    env['PUSH_ENDPOINT_HOSTS'] = push.host;
    // The server's push requests go to the local push service, whose certificate is self-signed.
    env['NODE_EXTRA_CA_CERTS'] = push.caFile;
  });
  const suite = browserSuite({ env });
  afterAll(() => push?.close());

  /** Opens Duet as a portal would (`/#access_token=<JWT>`); resolves once signed in. */
  async function openAs(name: string): Promise<DuetUser> {
    const user = await DuetUser.open(suite.browser, suite.server.baseUrl, name, `/#access_token=${await portalToken(name)}`);
    suite.open.push(user);
    await user.page.getByTestId('current-user').filter({ hasText: name }).waitFor({ timeout: 15_000 });
    return user;
  }

  /** Signs both in; `caller` calls `callee`, who declines. */
  async function declinedCall(caller: string, callee: string): Promise<[DuetUser, DuetUser]> {
    const from = await openAs(caller);
    const to = await openAs(callee);
    await from.callByName(callee);
    await to.decline();
    return [from, to];
  }

  /** Subscribes `name`'s browser as the app's push switch would, without a browser (Chromium's FCM is out of reach here). */
  async function subscribeDevice(name: string): Promise<void> {
    const response = await fetch(`${suite.server.baseUrl}/api/push-subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await portalToken(name)}`, 'content-type': 'application/json' },
      body: JSON.stringify(push.subscription().json),
    });
    expect(response.status).toBe(201);
  }

  it('a call nobody answered shows on both sides after sign-in: missed for the callee (with a badge), no answer for the caller', async () => {
    await subscribeDevice('hist-bob');
    const alice = await openAs('hist-alice');
    await alice.callByName('hist-bob');
    const ring = await push.waitForPush((received) => (received.payload as { kind?: string }).kind === 'ring');
    expect(ring.payload).toMatchObject({ kind: 'ring', caller: 'hist-alice' });
    // Nobody answers: the ring times out, and bob's devices are told it was missed.
    const ended = await push.waitForPush((received) => (received.payload as { kind?: string }).kind === 'ring-ended', RING_TIMEOUT_MS + 10_000);
    expect(ended.payload).toMatchObject({ caller: 'hist-alice', missed: true });
    await alice.page.locator('[data-testid="call-status"]:is([data-state="idle"], [data-state="ended"])').waitFor();

    // The caller: no badge (nothing was missed by her), and "No answer" in her history.
    await alice.page.getByTestId('history-toggle').click();
    await alice.page.getByTestId('call-history-entry').first().waitFor();
    expect(await historyRows(alice.page)).toEqual(['hist-bob | Outgoing · No answer']);
    expect(await alice.page.getByTestId('missed-call').count()).toBe(0);

    // The callee signs in later: a badge says it, and opening the history shows who called.
    const bob = await openAs('hist-bob');
    const badge = bob.page.getByTestId('missed-call');
    await badge.waitFor();
    expect(await badge.textContent()).toContain('1 missed call');
    expect(await seriousViolations(bob.page)).toEqual([]);
    await badge.click();
    await bob.page.getByTestId('call-history-entry').first().waitFor();
    expect(await historyRows(bob.page)).toEqual(['hist-alice | Incoming · Missed']);
    expect(await badge.count()).toBe(0);

    // Seen is seen: after a reload the badge stays away, the call stays listed.
    await bob.page.reload();
    await bob.page.getByTestId('current-user').waitFor();
    await bob.page.getByTestId('history-toggle').click();
    await bob.page.getByTestId('call-history-entry').first().waitFor();
    expect(await bob.page.getByTestId('missed-call').count()).toBe(0);

    // Call back from the entry: alice is online, and it rings her.
    await bob.page.getByTestId('call-back-button').first().click();
    await alice.page.getByTestId('incoming-call').waitFor();
    expect(await alice.page.getByTestId('incoming-call').textContent()).toContain('hist-bob');
    await alice.decline();
  }, 60_000);

  it('clears the history after a confirmation; the other side keeps theirs', async () => {
    const [carol, dave] = await declinedCall('hist-carol', 'hist-dave');
    await carol.page.getByTestId('history-toggle').click();
    await carol.page.getByTestId('call-history-entry').first().waitFor();
    expect(await historyRows(carol.page)).toEqual(['hist-dave | Outgoing · Declined']);

    await carol.page.getByTestId('history-clear').click();
    await carol.page.getByTestId('history-clear-confirm').click();
    await carol.page.getByText('No calls yet.').waitFor();
    expect(await carol.page.getByTestId('call-history-entry').count()).toBe(0);

    await dave.page.getByTestId('history-toggle').click();
    await dave.page.getByTestId('call-history-entry').first().waitFor();
    expect(await historyRows(dave.page)).toEqual(['hist-carol | Incoming · You declined']);
  }, 60_000);

  it('lays the badge, the switch and the history out with nothing covering a control, at desktop and phone sizes, light and dark', async () => {
    const [erin] = await declinedCall('hist-erin', 'hist-frank');
    await erin.close();
    const directory = process.env['DUET_SCREENSHOTS'];
    for (const { width, height, colorScheme } of LAYOUTS) {
      const user = await DuetUser.open(suite.browser, suite.server.baseUrl, 'hist-erin', `/#access_token=${await portalToken('hist-erin')}`, {
        viewport: { width, height },
        colorScheme,
      });
      suite.open.push(user);
      await user.page.getByTestId('push-toggle').waitFor();
      await user.page.getByTestId('history-toggle').click();
      await user.page.getByTestId('call-back-button').first().waitFor();
      const where = `${width}x${height} ${colorScheme}`;
      expect({ where, covered: await coveredControls(user.page, 'body', '[data-testid="call-history-entry"]') }).toEqual({ where, covered: [] });
      expect({ where, sideways: await user.page.evaluate(() => document.documentElement.scrollWidth - innerWidth) }).toEqual({ where, sideways: 0 });
      expect({ where, axe: await seriousViolations(user.page) }).toEqual({ where, axe: [] });
      if (directory) await user.page.screenshot({ path: `${directory}/history-${width}x${height}-${colorScheme}.png`, fullPage: true });
      await user.close();
    }
  }, 90_000);

  it('with AUTH_MODE=none the lobby says why there is no history or ringing', async () => {
    const openMode = await startServer();
    try {
      const user = await DuetUser.logIn(suite.browser, openMode.baseUrl, 'hist-none');
      const why = user.page.getByTestId('accounts-unavailable');
      await why.waitFor();
      expect(await why.textContent()).toContain(
        'Call history and ringing when Duet is closed need company sign-in; this server lets anyone pick a name.',
      );
      expect(await user.page.getByTestId('push-toggle').count()).toBe(0);
      expect(await seriousViolations(user.page)).toEqual([]);
      await user.close();
    } finally {
      await openMode.stop();
    }
  }, 60_000);
});
