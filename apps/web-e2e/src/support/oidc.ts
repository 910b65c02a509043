import { DUET_CLIENT_ID, duetClientUris, freePort, OidcProvider, OidcTtl, startOidcProvider, waitFor } from '@duet/testing/processes';
import { Page } from 'playwright-core';
import { BrowserSuite, browserSuite } from './browser-suite';
import { DuetUser } from './duet-user';
import { ServerOptions } from './server';

export interface OidcSuite {
  /** The file's server, Chromium and per-test users (see browserSuite). */
  readonly web: BrowserSuite;
  /** The file's real OpenID provider; Duet's server runs with AUTH_MODE=oidc against it. */
  readonly provider: OidcProvider;
}

/**
 * One real oidc-provider (with `ttl`), one Duet server in AUTH_MODE=oidc against it, one Chromium,
 * for the whole file. Duet's port is chosen first: its client's redirect URIs name it.
 */
export function oidcSuite(ttl: OidcTtl): OidcSuite {
  const suite = {} as { web: BrowserSuite; provider: OidcProvider };
  const options: ServerOptions & { env: Record<string, string> } = { env: {} };

  // Declared before browserSuite's hooks, so the provider serves before the server looks it up.
  beforeAll(async () => {
    options.port = await freePort();
    suite.provider = await startOidcProvider({ ...duetClientUris(`http://127.0.0.1:${options.port}`), ttl });
    Object.assign(options.env, { AUTH_MODE: 'oidc', OIDC_ISSUER: suite.provider.issuer, OIDC_CLIENT_ID: DUET_CLIENT_ID });
  }, 30_000);
  suite.web = browserSuite(options);
  afterAll(() => suite.provider?.stop());
  return suite;
}

/** The provider's login page (a path `/interaction/<id>` at its origin) is showing. */
export async function waitForProviderLogin(page: Page, provider: OidcProvider, timeout = 30_000): Promise<void> {
  await page.waitForURL((url) => url.origin === provider.issuer && url.pathname.startsWith('/interaction/'), { timeout });
  await page.getByLabel('Name').waitFor({ timeout });
}

/** Fills the provider's login page as a person would: name, any password, "Sign in". */
export async function fillProviderLogin(page: Page, name: string): Promise<void> {
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Opens Duet, presses "Sign in with your company", signs in at the provider as `name`, and waits
 * until Duet's lobby shows `name` as the current user. The user is closed after the test.
 */
export async function signIn(suite: OidcSuite, name: string): Promise<DuetUser> {
  const user = await DuetUser.open(suite.web.browser, suite.web.server.baseUrl, name);
  suite.web.open.push(user);
  await user.page.getByTestId('sign-in-button').click();
  await waitForProviderLogin(user.page, suite.provider);
  await fillProviderLogin(user.page, name);
  await user.page.getByTestId('current-user').filter({ hasText: name }).waitFor();
  await user.recordStatuses();
  return user;
}

/** The server's accepted in-band renewals of `user`'s session so far (`{"type":"token","success":true}`). */
export function acceptedRenewals(user: DuetUser): number {
  return user.received.filter(({ message }) => message['type'] === 'token' && message['success'] === true).length;
}

/** Waits until the server has accepted `count` renewals of `user`'s session; says what it saw instead. */
export async function waitForAcceptedRenewals(user: DuetUser, count: number, timeoutMs = 40_000): Promise<void> {
  const replies = () => JSON.stringify(user.received.filter(({ message }) => message['type'] === 'token').map(({ message }) => message));
  await waitFor(() => acceptedRenewals(user) >= count, timeoutMs, () => `${user.name}: ${acceptedRenewals(user)} of ${count} renewals accepted; replies ${replies()}\n${user.consoleLog()}`);
}

/** The ID tokens `user`'s page sent to renew its session, in order. */
export function renewalTokens(user: DuetUser): string[] {
  return user.sent.filter((message) => message['type'] === 'token').map((message) => String(message['token']));
}
