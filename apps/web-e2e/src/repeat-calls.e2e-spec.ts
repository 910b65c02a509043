import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';

const CALLS = 3;

/**
 * The correctness half of the call set-up timing (now in `npm run bench`, apps/web-e2e/src/bench):
 * the same two pages call each other again and again, and every call is a whole one. A call that
 * leaves a stale peer connection, track or listener behind breaks the next one, not this one.
 */
describe('calls in a row between the same two pages', () => {
  const suite = browserSuite();

  it(`${CALLS} calls in a row: each decodes remote video on both sides and ends with both idle`, async () => {
    const alice = await DuetUser.logIn(suite.browser, suite.server.baseUrl, 'alice-again');
    const bob = await DuetUser.logIn(suite.browser, suite.server.baseUrl, 'bob-again');
    suite.open.push(alice, bob);
    for (let call = 1; call <= CALLS; call++) {
      await alice.callByName(bob.name);
      await bob.accept();
      await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
      for (const user of [alice, bob]) expect((await user.waitForRemoteVideo()).videoWidth).toBeGreaterThan(0);
      await alice.hangUp();
      await Promise.all([alice.waitForStatus('idle'), bob.waitForStatus('idle')]);
    }
  }, 120_000);
});
