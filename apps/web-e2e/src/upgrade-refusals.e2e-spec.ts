import { SignJWT } from 'jose';
import { Browser } from 'playwright-core';
import { WebSocket } from 'ws';
import { launchChromium } from './support/browser';
import { DuetUser } from './support/duet-user';
import { announcements, startAnnouncementLog } from './support/observe';
import { RunningServer, startServer } from './support/server';

const SECRET = 'web-e2e-secret-that-is-long-enough-for-hs256';

/**
 * The server refuses the WebSocket upgrade; the browser only sees a failed socket. Each refusal
 * must read as what it is (and never as "Server unreachable"), which the app learns from
 * `GET /ws/admission`.
 */
describe('upgrade refusals, each in its own words, in real Chromium', () => {
  let browser: Browser;
  let server: RunningServer | undefined;
  const open: DuetUser[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(open.splice(0).map((user) => user.close().catch(() => undefined)));
    await server?.stop();
    server = undefined;
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Opens the app, starts listening to what it says, and presses Log in. */
  async function tryToLogIn(name: string): Promise<DuetUser> {
    const user = await DuetUser.open(browser, (server as RunningServer).baseUrl, name);
    open.push(user);
    await startAnnouncementLog(user.page);
    await user.submitLogin(name);
    return user;
  }

  async function expectNoOutageSaid(user: DuetUser): Promise<void> {
    expect((await announcements(user.page)).map(({ text }) => text).join(' | ')).not.toContain('unreachable');
  }

  it('401 (JWT mode, an expired token): asks to sign in again and offers the button for it', async () => {
    server = await startServer({ env: { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: SECRET } });
    // The token names the person, so the page logs in with no form: the upgrade is what refuses it.
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('expired')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(SECRET));
    const user = await DuetUser.open(browser, server.baseUrl, 'expired', `/#access_token=${expired}`);
    open.push(user);
    await startAnnouncementLog(user.page);
    expect(await user.errorMessage()).toBe('The server did not accept your sign-in (missing or expired): sign in again.');
    await user.page.getByRole('button', { name: 'Sign in again' }).waitFor();
    await expectNoOutageSaid(user);
  }, 60_000);

  it('JWT mode with no token: no name form to fill in vain, but where to go instead', async () => {
    server = await startServer({ env: { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: SECRET } });
    const user = await DuetUser.open(browser, server.baseUrl, 'no-token');
    open.push(user);
    expect(await user.errorMessage()).toBe('Open Duet from your company portal to sign in.');
    expect(await user.page.getByTestId('username-input').count()).toBe(0);
  }, 60_000);

  it('429 (the address\'s WebSocket slots are taken): says so, backs off, and gets in once a slot frees', async () => {
    // Ten slots, all taken by sockets from this address; TCP connections are capped at twice that,
    // so the page itself still loads.
    server = await startServer({ env: { MAX_CONNECTIONS_PER_IP: '10' } });
    const url = `ws://127.0.0.1:${server.port}/ws`;
    const hogs = await Promise.all(
      Array.from({ length: 10 }, () => {
        const hog = new WebSocket(url);
        return new Promise<WebSocket>((opened, failed) => hog.once('open', () => opened(hog)).once('error', failed));
      }),
    );
    const user = await tryToLogIn('crowded');
    expect(await user.errorMessage()).toMatch(/^Too many connections from your network: trying again in about \d+ s\.$/);
    await expectNoOutageSaid(user);

    await Promise.all(
      hogs.map((hog) => new Promise((closed) => {
        hog.once('close', closed);
        hog.close();
      })),
    );
    await user.page.getByTestId('current-user').filter({ hasText: 'crowded' }).waitFor({ timeout: 30_000 });
    await user.page.getByTestId('error-message').waitFor({ state: 'detached' });
  }, 60_000);

  it('403 (the page\'s origin is not allowed): says that the server refuses this address', async () => {
    server = await startServer({ env: { ALLOWED_ORIGINS: 'https://duet.example' } });
    const user = await tryToLogIn('elsewhere');
    expect(await user.errorMessage()).toBe(
      'This server does not accept connections from this page’s address (origin not allowed).',
    );
    await user.page.getByTestId('login-button').filter({ hasText: 'Log in' }).waitFor();
    await expectNoOutageSaid(user);
  }, 60_000);
});
