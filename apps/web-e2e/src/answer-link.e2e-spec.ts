import { waitFor } from '@duet/testing/processes';
import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';
import { fillProviderLogin, oidcSuite, waitForProviderLogin } from './support/oidc';
import { SignalingMitm } from './support/signaling-mitm';

/*
 * The app's half of "Answer" on a call's notification: the service worker opens
 * `/?answer=<callId>&key=<capability>`, and the page, once signed in, takes the offer whose `ring` is
 * that callId (and whose `ringKey` is the key's hash) without a click
 * (device-ring.e2e-spec.ts, through the server and a push service). Here, what it must not do: a
 * middleman marks a relayed offer with another `ring`, which only rings; and a company sign-in
 * keeps the address through the provider.
 */
const RING = 'ring-from-a-notification';
/** The Answer address, as the service worker opens it: the ring's id and its capability (a made-up one here). */
const ANSWER = `/?answer=${RING}&key=${'k'.repeat(43)}`;
const STALE = 'That call has ended.';

/** The page's address, path and query, as the person sees it. */
const address = (user: DuetUser) => {
  const url = new URL(user.page.url());
  return url.pathname + url.search;
};

describe('a page opened from a call notification’s Answer', () => {
  const suite = browserSuite();
  let run = 0;

  /** bob opens the Answer address of RING through a middleman that marks the offers he gets with `ring`; alice is direct. */
  async function pair(ring: string): Promise<[DuetUser, DuetUser]> {
    run += 1;
    const mitm = await SignalingMitm.start(suite.server.port, (message) => (message['type'] === 'offer' ? { ...message, ring } : message));
    suite.stopAfterTest.push(() => mitm.close());
    const bob = await DuetUser.logIn(suite.browser, mitm.baseUrl, `answer-bob-${run}`, ANSWER);
    const alice = await DuetUser.logIn(suite.browser, suite.server.baseUrl, `answer-alice-${run}`);
    suite.open.push(alice, bob);
    return [alice, bob];
  }

  it('only rings for another call, and says "That call has ended." once its own never came', async () => {
    const [alice, bob] = await pair('another-ring');
    await alice.callByName(bob.name);
    await bob.page.getByTestId('incoming-call').waitFor();
    // No offer of its ring within the wait after the login: dropped, in words, and out of the address.
    await bob.page.getByTestId('error-message').filter({ hasText: STALE }).waitFor({ timeout: 30_000 });
    expect(address(bob)).toBe('/');
    expect(await bob.status()).toBe('ringing');
    expect(bob.sentTypes).not.toContain('answer');
    await bob.decline();
    await alice.page.getByTestId('error-message').filter({ hasText: 'declined' }).waitFor();
  }, 60_000);
});

describe('company sign-in keeps the Answer address through the provider', () => {
  const suite = oidcSuite({ idToken: 600, accessToken: 600 });

  it('goes to the provider by itself, comes back to /?answer=…&key=…, and drops it in words when no such call rings', async () => {
    const bob = await DuetUser.open(suite.web.browser, suite.web.server.baseUrl, 'oidc-answer-bob', ANSWER);
    suite.web.open.push(bob);
    // No "Sign in with your company" to press: the person pressed Answer, and the call is ringing.
    await waitForProviderLogin(bob.page, suite.provider);
    await fillProviderLogin(bob.page, bob.name);
    await bob.page.getByTestId('current-user').filter({ hasText: bob.name }).waitFor();
    // Back from the provider at the page it left: the callback's code and state are gone, the query is not.
    expect(address(bob)).toBe(ANSWER);
    await bob.page.getByTestId('error-message').filter({ hasText: STALE }).waitFor({ timeout: 30_000 });
    await waitFor(() => address(bob) === '/', 5_000, () => `the address kept the parameter: ${bob.page.url()}`);
  }, 90_000);
});
