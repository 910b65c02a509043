import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';
import { PORTAL_SECRET, portalToken } from './support/portal-token';


/** What an identity provider would mint, signed with the server's shared secret. */
declare global {
  interface Window {
    __nameFormSeen?: boolean;
  }
}

/** Runs in the page before the app: notes whether a name field ever appears on this load. */
function watchForNameForm(): void {
  window.__nameFormSeen = false;
  const look = () => {
    if (document.querySelector('[data-testid="username-input"]')) window.__nameFormSeen = true;
  };
  new MutationObserver(look).observe(document, { subtree: true, childList: true });
}

/** A server in JWT mode: the app takes its token from #access_token= and signals with it. */
describe('Duet in JWT mode, in real Chromium', () => {
  const suite = browserSuite({ env: { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: PORTAL_SECRET } });

  /** Opens Duet as a portal would, `/#access_token=<JWT>`; resolves once the token's name is the current user. */
  async function openFromPortal(name: string, token?: string): Promise<DuetUser> {
    const path = `/#access_token=${token ?? (await portalToken(name, '5m'))}`;
    const user = await DuetUser.open(suite.browser, suite.server.baseUrl, name, path, { initScripts: [watchForNameForm] });
    suite.open.push(user);
    await signedInAs(user, name);
    await user.recordStatuses();
    return user;
  }

  async function signedInAs(user: DuetUser, name: string): Promise<void> {
    try {
      await user.page.getByTestId('current-user').filter({ hasText: name }).waitFor({ timeout: 15_000 });
    } catch (error) {
      throw new Error(`${name} never showed as the current user (${(error as Error).message})\n${user.consoleLog()}`);
    }
  }

  const nameFormSeen = (user: DuetUser) => user.page.evaluate(() => window.__nameFormSeen);

  it('signs in as the token’s name with no name form, hides the token, and completes a call', async () => {
    // A company name: an e-mail address, as portals and providers often give.
    const alice = await openFromPortal('jwt-alice@example.com');
    const bob = await openFromPortal('jwt-bob');
    expect(await nameFormSeen(alice)).toBe(false);
    expect(await nameFormSeen(bob)).toBe(false);
    expect(await alice.page.evaluate(() => location.hash)).toBe('');

    await alice.callByName('jwt-bob');
    await bob.page.getByTestId('incoming-call').waitFor();
    await bob.accept();
    await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
    const remote = await alice.waitForRemoteVideo();
    expect(remote.videoWidth).toBeGreaterThan(0);
    expect(await bob.page.getByTestId('call-status').textContent()).toBe('In a call with jwt-alice@example.com');
  });

  it('stays signed in across a reload: the tab kept the token, the address has none', async () => {
    const carol = await openFromPortal('jwt-carol');
    const logins = () => carol.sentTypes.filter((type) => type === 'login').length;
    expect(logins()).toBe(1);

    await carol.page.reload();
    await signedInAs(carol, 'jwt-carol');
    expect(await nameFormSeen(carol)).toBe(false);
    expect(await carol.page.evaluate(() => location.hash)).toBe('');
    expect(logins()).toBe(2);
    // The lobby works as before: the signed-in person is online for others.
    const dave = await openFromPortal('jwt-dave');
    await dave.waitForUserListed('jwt-carol');
  });

  it('log-out closes the session cleanly: the name is free for the same person at once', async () => {
    const token = await portalToken('jwt-erin', '5m');
    const first = await openFromPortal('jwt-erin', token);
    await first.page.getByTestId('logout-button').click();
    await first.page.getByTestId('current-user').waitFor({ state: 'detached' });
    // Signed out, the page offers no name form: the token, not a typed name, says who this is.
    expect(await nameFormSeen(first)).toBe(false);

    // The same person elsewhere (another browser): signed in at once, not told the name is taken.
    const second = await openFromPortal('jwt-erin', token);
    expect(await nameFormSeen(second)).toBe(false);
    expect(await second.page.getByTestId('error-message').count()).toBe(0);
  });
});
