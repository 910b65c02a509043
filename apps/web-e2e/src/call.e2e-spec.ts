import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';

/** Two people in two browser contexts of real Chromium with fake cameras, against the real server. */
describe('Duet calls in real Chromium', () => {
  const suite = browserSuite();
  let run = 0;

  /** Both sides reach `state`; on failure the error carries both pages' logs. */
  async function bothReach(a: DuetUser, b: DuetUser, state: 'connected' | 'idle'): Promise<void> {
    try {
      await Promise.all([a.waitForStatus(state), b.waitForStatus(state)]);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- ${a.name} ---\n${a.consoleLog()}\n--- ${b.name} ---\n${b.consoleLog()}`);
    }
  }

  async function pair(): Promise<[DuetUser, DuetUser]> {
    run += 1;
    const alice = await DuetUser.logIn(suite.browser, suite.server.baseUrl, `alice-${run}`);
    const bob = await DuetUser.logIn(suite.browser, suite.server.baseUrl, `bob-${run}`);
    suite.open.push(alice, bob);
    return [alice, bob];
  }

  it('alice calls bob from the list, bob accepts, both decode real video, and hang-up returns both to idle', async () => {
    const [alice, bob] = await pair();
    await alice.waitForUserListed(bob.name);
    await alice.callFromList(bob.name);
    await alice.waitForStatus('calling');
    await bob.waitForStatus('ringing');
    await bob.accept();
    await bothReach(alice, bob, 'connected');

    for (const user of [alice, bob]) {
      const remote = await user.waitForRemoteVideo();
      expect(remote.videoWidth).toBeGreaterThan(0);
      expect(remote.frames).toBeGreaterThan(0);
      expect(await user.localVideoWidth()).toBeGreaterThan(0);
    }

    await alice.hangUp();
    await bothReach(alice, bob, 'idle');
    expect(await alice.statusHistory()).toEqual(['idle', 'calling', 'connecting', 'connected', 'ended', 'idle']);
    expect(await bob.statusHistory()).toEqual(['idle', 'ringing', 'connecting', 'connected', 'ended', 'idle']);
    expect(await bob.errorMessage()).toBe(`${alice.name} hung up.`);
  }, 60_000);

  it('bob declines: alice is told in words and returns to idle', async () => {
    const [alice, bob] = await pair();
    await alice.callByName(bob.name);
    await bob.decline();
    expect(await alice.errorMessage()).toBe(`${bob.name} declined the call.`);
    await bothReach(alice, bob, 'idle');
    expect(await alice.statusHistory()).toEqual(['idle', 'calling', 'ended', 'idle']);
  }, 30_000);

  it('calling someone who is not online shows an error and goes back to idle', async () => {
    const [alice] = await pair();
    await alice.callByName('nobody-home');
    expect(await alice.errorMessage()).toBe('nobody-home is not online.');
    await alice.waitForStatus('idle');
  }, 30_000);

  it('when bob closes his page mid-call, alice sees the call end, then idle', async () => {
    const [alice, bob] = await pair();
    await alice.callByName(bob.name);
    await bob.accept();
    await bothReach(alice, bob, 'connected');
    await alice.clearStatusHistory();

    await bob.page.close();
    await alice.waitForStatus('idle');
    expect(await alice.statusHistory()).toEqual(['connected', 'ended', 'idle']);
    expect(await alice.errorMessage()).toBe(`${bob.name} disconnected.`);
  }, 30_000);

  it('glare: both press Call on each other at the same moment and end up in one connected call', async () => {
    const [alice, bob] = await pair();
    await alice.page.getByTestId('callee-input').fill(bob.name);
    await bob.page.getByTestId('callee-input').fill(alice.name);
    const pressCall = (user: DuetUser) =>
      user.page.evaluate(() => document.querySelector<HTMLButtonElement>('[data-testid="call-button"]')?.click());
    await Promise.all([pressCall(alice), pressCall(bob)]);

    await bothReach(alice, bob, 'connected');
    // Nobody rang: each side took the other's offer as the answer to its own call.
    for (const user of [alice, bob]) {
      expect(await user.statusHistory()).toEqual(['idle', 'calling', 'connecting', 'connected']);
      const remote = await user.waitForRemoteVideo();
      expect(remote.frames).toBeGreaterThan(0);
    }

    await bob.hangUp();
    await bothReach(alice, bob, 'idle');
  }, 60_000);
});
