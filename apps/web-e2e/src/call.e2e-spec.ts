import { browserSuite } from './support/browser-suite';
import { DuetUser } from './support/duet-user';
import { SignalingMitm, stripCandidates } from './support/signaling-mitm';

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

  /** Alice and bob, logged in at `baseUrl` (the server, or a middleman in front of it). */
  async function pair(baseUrl = suite.server.baseUrl): Promise<[DuetUser, DuetUser]> {
    run += 1;
    const alice = await DuetUser.logIn(suite.browser, baseUrl, `alice-${run}`);
    const bob = await DuetUser.logIn(suite.browser, baseUrl, `bob-${run}`);
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
    expect(await alice.errorMessage()).toBe(`${bob.name} left the call: their page closed, reloaded or lost its connection.`);
  }, 30_000);

  it('glare: both press Call on each other at the same moment and end up in one connected call', async () => {
    // "The same moment", made certain: each offer is held on its way until both have been sent, so
    // neither page can ring before its own Call press (on a loaded machine two clicks can be far apart).
    const offered = new Set<unknown>();
    let bothOffered = () => undefined as void;
    const held = new Promise<void>((release) => (bothOffered = release));
    const mitm = await SignalingMitm.start(
      suite.server.port,
      async (message) => {
        if (message['type'] === 'offer') await held;
        return message;
      },
      (sent) => {
        if (sent['type'] !== 'offer') return;
        offered.add(sent['otherUsername']);
        if (offered.size === 2) bothOffered();
      },
    );
    suite.stopAfterTest.push(() => mitm.close());
    const [alice, bob] = await pair(mitm.baseUrl);
    await alice.callByName(bob.name);
    await bob.callByName(alice.name);

    await bothReach(alice, bob, 'connected');
    // Nobody rang: each side took the other's offer as the answer to its own call.
    for (const user of [alice, bob]) {
      expect(await user.statusHistory()).toEqual(['idle', 'calling', 'connecting', 'connected']);
      const remote = await user.waitForRemoteVideo();
      expect(remote.frames).toBeGreaterThan(0);
    }
    // The polite side (alice) gave up its own offer and answered bob's on a fresh connection.
    expect(alice.consoleLog()).toContain('answering on a fresh connection');

    await bob.hangUp();
    await bothReach(alice, bob, 'idle');
  }, 60_000);

  it('signaling loses every ICE candidate of the first negotiation: ICE restarts by itself and the call connects', async () => {
    // What Chromium does now and then after a glare rollback (it gathers nothing), done on purpose:
    // until a second offer (the restart's) goes by, no candidate reaches either side.
    let offers = 0;
    const mitm = await SignalingMitm.start(suite.server.port, (message) => {
      if (message['type'] === 'offer') offers += 1;
      if (offers > 1) return message;
      if (message['type'] === 'candidate') return null;
      for (const key of ['offer', 'answer'] as const) {
        const description = message[key] as { type: string; sdp: string } | undefined;
        if (description) return { ...message, [key]: { ...description, sdp: stripCandidates(description.sdp) } };
      }
      return message;
    });
    suite.stopAfterTest.push(() => mitm.close());
    const [alice, bob] = await pair(mitm.baseUrl);
    await alice.callByName(bob.name);
    await bob.accept();

    await bothReach(alice, bob, 'connected');
    expect(offers).toBeGreaterThanOrEqual(2);
    const restarted = [alice, bob].filter((user) => user.consoleLog().includes('ICE never started after the negotiation'));
    expect(restarted.length).toBeGreaterThanOrEqual(1);
    // The call never looked broken to either person: it connected, a few seconds late.
    expect(await alice.statusHistory()).toEqual(['idle', 'calling', 'connecting', 'connected']);
    expect(await bob.statusHistory()).toEqual(['idle', 'ringing', 'connecting', 'connected']);
    for (const user of [alice, bob]) expect((await user.waitForRemoteVideo()).frames).toBeGreaterThan(0);
  }, 60_000);
});
