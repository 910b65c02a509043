import { SignJWT } from 'jose';
import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';

const SECRET = 'web-e2e-secret-that-is-long-enough-for-hs256';

/** What an identity provider would mint, signed with the server's shared secret. */
function tokenFor(username: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(username)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}

/** A server in JWT mode: the app takes its token from #access_token= and signals with it. */
describe('Duet in JWT mode, in real Chromium', () => {
  const suite = browserSuite({ env: { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: SECRET } });

  it('logs in with the token from the URL fragment, hides the token, and completes a call', async () => {
    const alice = await DuetUser.logIn(suite.browser, suite.server.baseUrl, 'jwt-alice', `/#access_token=${await tokenFor('jwt-alice')}`);
    const bob = await DuetUser.logIn(suite.browser, suite.server.baseUrl, 'jwt-bob', `/#access_token=${await tokenFor('jwt-bob')}`);
    suite.open.push(alice, bob);
    expect(await alice.page.evaluate(() => location.hash)).toBe('');

    await alice.callByName('jwt-bob');
    await bob.page.getByTestId('incoming-call').waitFor();
    await bob.accept();
    await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
    const remote = await alice.waitForRemoteVideo();
    expect(remote.videoWidth).toBeGreaterThan(0);
  });

  it('refuses a name other than the one in the token, in words', async () => {
    const user = await DuetUser.open(suite.browser, suite.server.baseUrl, 'jwt-carol', `/#access_token=${await tokenFor('jwt-carol')}`);
    suite.open.push(user);
    await user.submitLogin('jwt-mallory');
    await user.page.getByTestId('error-message').filter({ hasText: 'signed in under another name' }).waitFor();
  });
});
