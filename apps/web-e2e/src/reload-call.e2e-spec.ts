import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';
import { inCall } from './support/in-call';

/** A reload in the middle of a call: the page calls back, the peer takes it, and both say what happened. */
describe('reloading the page during a call in real Chromium', () => {
  const suite = browserSuite();

  it('alice reloads: her page calls bob back, bob takes the call by himself, video flows again, and both are told', async () => {
    const users: [DuetUser, DuetUser] = await inCall(suite.browser, suite.server.baseUrl, ['alice-rl', 'bob-rl']);
    suite.open.push(...users);
    const [alice, bob] = users;
    await bob.clearStatusHistory();

    // The browser asks whether to leave a page that is in a call; the person chooses "Reload".
    alice.page.once('dialog', (dialog) => void dialog.accept());
    const reloadedAt = Date.now();
    await alice.page.reload();

    await bob.waitForReceived((message) => message['type'] === 'close' && message['reason'] === 'disconnected');
    await Promise.all([alice.waitForStatus('connected', 30_000), bob.waitForStatus('connected', 30_000)]);
    await Promise.all([alice.waitForRemoteVideo(), bob.waitForRemoteVideo()]);
    console.log(`reload to video flowing again on both sides: ${Date.now() - reloadedAt} ms`);

    // Bob's call really ended and came back; he never had to click.
    // (The ring in between is too short for the page's observer to catch every step.)
    const history = await bob.statusHistory();
    expect(history.slice(0, 2)).toEqual(['connected', 'ended']);
    expect(history.slice(-2)).toEqual(['connecting', 'connected']);
    expect(await bob.errorMessage()).toBe(`${alice.name} reloaded their page and is back: the call goes on.`);
    expect(await alice.errorMessage()).toBe(
      `This page reloaded during your call with ${bob.name}, which ended it: calling ${bob.name} back.`,
    );
  }, 120_000);

  it('bob, left alone, is told in words that alice left the call when she does not come back', async () => {
    const users: [DuetUser, DuetUser] = await inCall(suite.browser, suite.server.baseUrl, ['alice-gone', 'bob-gone']);
    suite.open.push(...users);
    const [alice, bob] = users;
    await alice.page.close();
    await bob.waitForStatus('idle');
    expect(await bob.errorMessage()).toBe(`${alice.name} left the call: their page closed, reloaded or lost its connection.`);
  }, 60_000);
});
