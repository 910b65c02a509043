import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';
import { inCall } from './support/in-call';
import { startServer } from './support/server';

/** The signaling server dies mid-call (SIGKILL, no goodbye) and comes back on the same port. */
describe('a call through a server crash, in real Chromium', () => {
  const suite = browserSuite();

  it('goes on peer to peer while the server is down, is claimed back by both sides, and hang-up still reaches the peer', async () => {
    const [alice, bob] = await inCall(suite.browser, suite.server.baseUrl, ['alice-crash', 'bob-crash']);
    const carol = await DuetUser.logIn(suite.browser, suite.server.baseUrl, 'carol-crash');
    suite.open.push(alice, bob, carol);
    await carol.page.getByTestId('callee-input').fill(bob.name);
    await Promise.all([alice, bob].map((user) => user.clearStatusHistory()));
    const framesBefore = await Promise.all([alice, bob].map((user) => user.remoteVideo()));

    const crashedAt = Date.now();
    await suite.server.crash();

    // Down: the call says so quietly and goes on; nobody can start a call into the void.
    await Promise.all([alice, bob].map((user) => user.page.getByTestId('signaling-offline').waitFor()));
    await Promise.all([
      alice.waitForFramesBeyond(framesBefore[0].frames + 30),
      bob.waitForFramesBeyond(framesBefore[1].frames + 30),
    ]);
    await carol.page.locator('[data-testid="user-list"][data-stale="true"]').waitFor();
    expect(await carol.page.getByTestId('call-button').isDisabled()).toBe(true);
    expect(await carol.page.getByTestId('call-unavailable').textContent()).toContain('You are offline');

    suite.server = await startServer({ port: suite.server.port });
    const restartedAt = Date.now();
    // Each side logs in afresh (the new server knows no token) claiming the call; both claims match.
    const back = await Promise.all(
      [alice, bob].map((user) => user.waitForReceived((message) => message['type'] === 'reconnected', 30_000)),
    );
    await Promise.all([alice, bob].map((user) => user.page.getByTestId('signaling-offline').waitFor({ state: 'detached' })));
    await carol.page.locator('[data-testid="user-list"]:not([data-stale])').waitFor({ timeout: 30_000 });
    const framesAfter = await Promise.all([alice, bob].map((user) => user.remoteVideo()));
    await Promise.all([alice.waitForFramesBeyond(framesAfter[0].frames), bob.waitForFramesBeyond(framesAfter[1].frames)]);
    // The media path never noticed.
    expect(await alice.statusHistory()).toEqual(['connected']);
    expect(await bob.statusHistory()).toEqual(['connected']);
    console.log(
      `server SIGKILL -> call claimed back (reconnected): alice ${back[0] - crashedAt} ms, bob ${back[1] - crashedAt} ms ` +
        `after the crash; ${back[0] - restartedAt} / ${back[1] - restartedAt} ms after the new server served its first page`,
    );

    await alice.hangUp();
    await bob.waitForStatus('idle');
    expect(await bob.page.getByTestId('error-message').textContent()).toBe(`${alice.name} hung up.`);
  }, 120_000);
});
