import { waitFor } from '@duet/testing/processes';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { DuetUser } from './support/duet-user';
import { fillProviderLogin, oidcSuite, renewalTokens, signIn, waitForAcceptedRenewals, waitForProviderLogin } from './support/oidc';

/*
 * ID and access tokens live 24 s: the app renews when 6 s are left (25 % of the lifetime), 18 s after
 * each issue. The call test rotates the provider's signing key once the call is up, so the one renewal
 * it waits for is both "a renewal during a call" and "the first token from a new key": the server has
 * not fetched the provider's keys since the file's first sign-in, far more than its 5 s cool-down ago.
 */
const TOKEN_TTL_S = 24;

declare global {
  interface Window {
    __sawPeerReconnecting?: boolean;
  }
}

/** Records, in the page, whether the "… is reconnecting" notice ever shows from now on. */
function watchPeerReconnecting(user: DuetUser): Promise<void> {
  return user.page.evaluate(() => {
    const check = () => {
      if (document.querySelector('[data-testid="peer-reconnecting"]')) window.__sawPeerReconnecting = true;
    };
    window.__sawPeerReconnecting = false;
    new MutationObserver(check).observe(document.body, { subtree: true, childList: true });
    check();
  });
}

/** When the ID token the page holds now expires (ms since the epoch), from oidc-client-ts's stored user. */
async function heldIdTokenExpiry(user: DuetUser): Promise<number> {
  const idToken = await user.page.evaluate(() => {
    const key = Object.keys(sessionStorage).find((name) => name.startsWith('oidc.user:'));
    return key === undefined ? null : ((JSON.parse(sessionStorage.getItem(key) ?? '{}') as { id_token?: string }).id_token ?? null);
  });
  if (idToken === null) throw new Error(`${user.name}: no ID token held`);
  return (decodeJwt(idToken).exp as number) * 1_000;
}

/** Every URL the page's main frame navigated to from now on. */
function navigations(user: DuetUser): string[] {
  const urls: string[] = [];
  user.page.on('framenavigated', (frame) => frame === user.page.mainFrame() && urls.push(frame.url()));
  return urls;
}

const userItem = (user: DuetUser, name: string) => user.page.getByTestId('user-item').filter({ hasText: new RegExp(`^\\s*${name}\\s*$`) });

describe('company sign-in (OIDC) against a real provider, in real Chromium', () => {
  const suite = oidcSuite({ idToken: TOKEN_TTL_S, accessToken: TOKEN_TTL_S });

  it("signs in at the provider's page, lands in the lobby as the claim's name, and stays signed in across a reload", async () => {
    const alice = await signIn(suite, 'oidc-alice');
    // The callback's code and state are gone from the address.
    expect(alice.page.url()).toBe(`${suite.web.server.baseUrl}/`);

    const visited = navigations(alice);
    await alice.page.reload();
    await alice.page.getByTestId('current-user').filter({ hasText: 'oidc-alice' }).waitFor();
    expect(visited.filter((url) => !url.startsWith(suite.web.server.baseUrl))).toEqual([]);
  }, 60_000);

  it('says in words that the person cancelled at the provider, and lets them try again', async () => {
    const ivy = await DuetUser.open(suite.web.browser, suite.web.server.baseUrl, 'oidc-ivy');
    suite.web.open.push(ivy);
    await ivy.page.getByTestId('sign-in-button').click();
    await waitForProviderLogin(ivy.page, suite.provider);
    await ivy.page.getByRole('button', { name: 'Cancel' }).click();
    await ivy.page.getByTestId('error-message').filter({ hasText: /cancel/i }).waitFor();
    expect(await ivy.page.getByTestId('sign-in-button').isEnabled()).toBe(true);
  }, 60_000);

  it('logs out: the name leaves the other list at once, the provider session ends, the page is back at sign-in', async () => {
    const fay = await signIn(suite, 'oidc-fay');
    const gus = await signIn(suite, 'oidc-gus');
    await userItem(gus, 'oidc-fay').waitFor();
    const visited = navigations(fay);

    await fay.page.getByTestId('logout-button').click();
    // A clean close frees the name now; an unclean one would hold it for the 30 s resume window.
    await userItem(gus, 'oidc-fay').waitFor({ state: 'detached', timeout: 10_000 });
    await fay.page.getByTestId('sign-in-button').waitFor();
    expect(visited.some((url) => url.startsWith(`${suite.provider.issuer}/session/end`))).toBe(true);
    expect(fay.page.url()).toBe(`${suite.web.server.baseUrl}/`);

    // Signed out at the provider too: signing in again asks for the login, and the name is free.
    await fay.page.getByTestId('sign-in-button').click();
    await waitForProviderLogin(fay.page, suite.provider);
    await fillProviderLogin(fay.page, 'oidc-fay');
    await fay.page.getByTestId('current-user').filter({ hasText: 'oidc-fay' }).waitFor();
  }, 60_000);

  it('keeps a call going through a token renewal signed by a key the provider rotated in mid-call: frames advance, nobody reconnects', async () => {
    const carol = await signIn(suite, 'oidc-carol');
    const dave = await signIn(suite, 'oidc-dave');
    await Promise.all([watchPeerReconnecting(carol), watchPeerReconnecting(dave)]);
    const sockets = [carol.socketUrls.length, dave.socketUrls.length];
    const signInExpiries = await Promise.all([heldIdTokenExpiry(carol), heldIdTokenExpiry(dave)]);
    await carol.callByName(dave.name);
    await dave.accept();
    await Promise.all([carol.waitForStatus('connected'), dave.waitForStatus('connected')]);
    await Promise.all([carol.waitForRemoteVideo(), dave.waitForRemoteVideo()]);

    // The provider starts signing with a new key mid-session: every token so far was signed with another.
    const { kid, kids } = await suite.provider.rotateSigningKey();
    expect(kids.filter((known) => known !== kid).length).toBeGreaterThan(0);
    await Promise.all([waitForAcceptedRenewals(carol, 1), waitForAcceptedRenewals(dave, 1)]);
    for (const user of [carol, dave]) expect(renewalTokens(user).map((token) => decodeProtectedHeader(token).kid)).toEqual([kid]);
    // Past the sign-in tokens' expiry, when the server would have closed the sockets (4401) had the
    // renewal not moved it: frames still advance.
    await waitFor(() => Date.now() > Math.max(...signInExpiries) + 1_000, 30_000, () => 'the sign-in tokens never expired');
    const framesPastExpiry = await Promise.all([carol.remoteVideo(), dave.remoteVideo()]);
    await Promise.all([carol.waitForFramesBeyond(framesPastExpiry[0].frames), dave.waitForFramesBeyond(framesPastExpiry[1].frames)]);

    for (const [index, user] of [carol, dave].entries()) {
      expect(await user.status()).toBe('connected');
      expect(await user.statusHistory()).not.toContain('reconnecting');
      expect(await user.page.evaluate(() => window.__sawPeerReconnecting)).toBe(false);
      // One socket for the whole session: renewed in place, never reconnected.
      expect(user.socketUrls).toHaveLength(sockets[index]);
    }
    // A new sign-in gets a token from the new key, and the server admits it.
    const erin = await signIn(suite, 'oidc-erin');
    await userItem(erin, 'oidc-carol').waitFor();
  }, 120_000);

  it("sends the person back to the provider's login page once the refresh token has expired", async () => {
    const hal = await signIn(suite, 'oidc-hal');
    expect(await suite.provider.expireRefreshTokens()).toBeGreaterThan(0);
    await suite.provider.endSessions();
    // The next renewal is refused (invalid_grant): straight to the company's sign-in, no dead form.
    await waitForProviderLogin(hal.page, suite.provider, 40_000);
    await fillProviderLogin(hal.page, 'oidc-hal');
    await hal.page.getByTestId('current-user').filter({ hasText: 'oidc-hal' }).waitFor();
  }, 90_000);
});
