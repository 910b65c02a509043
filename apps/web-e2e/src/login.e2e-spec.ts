import { USERNAME_MAX_LENGTH } from '@duet/shared/protocol';
import { RedisServer, startRedisServer } from '@duet/testing/processes';
import { Page } from 'playwright-core';
import { seriousViolations } from './support/axe';
import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';
import { startServer } from './support/server';

/** The name field as assistive technology meets it: invalid or not, and what describes it. */
async function nameField(page: Page): Promise<{ invalid: string | null; described: string[] }> {
  // The page starts once it has read /auth/settings: the form is there when a person can see it.
  await page.getByTestId('username-input').waitFor();
  return page.evaluate(() => {
    const input = document.querySelector('[data-testid="username-input"]');
    const ids = (input?.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
    return {
      invalid: input?.getAttribute('aria-invalid') ?? null,
      described: ids.map((id) => document.getElementById(id)?.textContent?.trim() ?? `(no #${id})`),
    };
  });
}

/** Logging in, as a person meets it: the name rule, refusals in words, two tabs, the name's spelling. */
describe('logging in, in real Chromium', () => {
  const suite = browserSuite();

  it('says the naming rule the same way in the hint and the error, and marks the field invalid', async () => {
    const user = await DuetUser.open(suite.browser, suite.server.baseUrl, 'rule-1');
    suite.open.push(user);
    const before = await nameField(user.page);
    expect(before.invalid).toBeNull();
    const rule = `1–${USERNAME_MAX_LENGTH} letters, digits, “.”, “_”, “-” or “@”, starting with a letter or digit`;
    expect(before.described).toEqual([`A name is ${rule}.`]);

    await user.submitLogin('.starts-with-a-dot');
    expect(await user.errorMessage()).toBe(`Invalid name: a name is ${rule}.`);
    const after = await nameField(user.page);
    expect(after.invalid).toBe('true');
    expect(after.described).toEqual([await user.errorMessage(), before.described[0]]);
    expect(await seriousViolations(user.page)).toEqual([]);
    // Nothing was sent: the rule is the server's, checked here first.
    expect(user.sentTypes).not.toContain('login');

    await user.submitLogin('dots.are.fine');
    await user.page.getByTestId('current-user').filter({ hasText: 'dots.are.fine' }).waitFor();
  }, 30_000);

  it('in a browser without WebRTC (as Debian\'s WebKitGTK) says so from the first page, and a login rings nobody', async () => {
    const user = await DuetUser.open(suite.browser, suite.server.baseUrl, 'no-webrtc-1', '/', {
      initScripts: [() => delete (window as { RTCPeerConnection?: unknown }).RTCPeerConnection],
    });
    suite.open.push(user);
    const banner = user.page.getByTestId('no-webrtc');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('cannot make or take video calls');
    await user.submitLogin('no-webrtc-1');
    expect(await user.errorMessage()).toContain('cannot make or take video calls');
    expect(await nameField(user.page)).toMatchObject({ invalid: null });
    // Nobody can ring this page: it never said its name to the server.
    expect(user.sentTypes).not.toContain('login');
    expect(await user.page.getByTestId('current-user').count()).toBe(0);
  });

  it('a second tab of the same browser offers the first tab’s name instead of logging in with it and failing', async () => {
    const ann = await DuetUser.logIn(suite.browser, suite.server.baseUrl, 'ann-tabs');
    suite.open.push(ann);
    // The README's "open it in two tabs": a second page of the same browser context (same localStorage).
    const second = await ann.context.newPage();
    const sentBySecond: string[] = [];
    second.on('websocket', (socket) =>
      socket.on('framesent', ({ payload }) => sentBySecond.push(String(payload))),
    );
    await second.goto('/');
    const field = second.getByTestId('username-input');
    await field.waitFor();
    expect(await field.inputValue()).toBe(ann.name);
    expect(await second.getByTestId('error-message').count()).toBe(0);
    expect(await second.getByTestId('current-user').count()).toBe(0);
    expect(sentBySecond).toEqual([]);

    await field.fill('bob-tabs');
    await second.getByTestId('login-button').click();
    await second.getByTestId('current-user').filter({ hasText: 'bob-tabs' }).waitFor();

    // Each tab keeps its own name across a reload.
    await ann.page.reload();
    await ann.page.getByTestId('current-user').filter({ hasText: ann.name }).waitFor();
    await second.reload();
    await second.getByTestId('current-user').filter({ hasText: 'bob-tabs' }).waitFor();
  }, 30_000);

  it('shows the person called as the server has the name, not as typed in the call box', async () => {
    const bob = await DuetUser.logIn(suite.browser, suite.server.baseUrl, 'bob-case');
    const alice = await DuetUser.logIn(suite.browser, suite.server.baseUrl, 'alice-case');
    suite.open.push(alice, bob);
    await alice.callByName('Bob-CASE');
    await bob.accept();
    await alice.waitForStatus('connected');
    expect(await alice.page.getByTestId('call-status').textContent()).toContain('bob-case');
    const texts = await alice.page.locator('main').innerText();
    expect(texts).not.toContain('Bob-CASE');
    await bob.hangUp();
    expect(await alice.errorMessage()).toBe('bob-case hung up.');
  }, 45_000);

  describe('with the directory of users (Redis) unreachable', () => {
    let redis: RedisServer;

    beforeAll(async () => {
      redis = await startRedisServer();
    }, 30_000);

    afterAll(async () => {
      await redis?.stop();
    });

    it('says the server cannot reach it, not "Invalid name", blames no name, and logs in by itself once it is back', async () => {
      const server = await startServer({ env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `web-e2e-login-${process.pid}:` } });
      suite.stopAfterTest.push(() => server.stop());
      await redis.stop();
      const user = await DuetUser.open(suite.browser, server.baseUrl, 'carol-redis');
      suite.open.push(user);
      await user.submitLogin(user.name);
      const message = await user.errorMessage();
      expect(message).toBe('The server cannot reach its directory of users just now: trying again by itself in a moment…');
      expect((await nameField(user.page)).invalid).toBeNull();

      // Once Redis is back, the app logs in by itself, with no click.
      await redis.start();
      await user.page.getByTestId('current-user').filter({ hasText: user.name }).waitFor({ timeout: 20_000 });
      expect(await user.page.getByTestId('error-message').count()).toBe(0);
    }, 60_000);
  });
});
