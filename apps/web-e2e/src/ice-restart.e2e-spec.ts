import { TurnServer } from '@duet/testing/processes';
import { Browser } from 'playwright-core';
import { launchChromium } from './support/browser';
import { DuetUser } from './support/duet-user';
import { inCall } from './support/in-call';
import { longestFrameGap, startFrameLog } from './support/observe';
import { RunningServer, startServer } from './support/server';

/**
 * A relay-only call (ICE_TRANSPORT_POLICY=relay) through a real coturn. Killing coturn is a real
 * media-path failure: every packet of the call went through it, its allocations die with it, and
 * only an ICE restart (new credentials, new allocations at the restarted server) brings media back.
 */
describe('ICE restart after a real TURN failure, in real Chromium', () => {
  let turn: TurnServer;
  let server: RunningServer;
  let browser: Browser;
  const open: DuetUser[] = [];

  beforeAll(async () => {
    turn = await TurnServer.launch();
    server = await startServer({ env: { ICE_SERVERS: JSON.stringify([turn.credentials()]), ICE_TRANSPORT_POLICY: 'relay' } });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(open.map((user) => user.close().catch(() => undefined)));
    await browser?.close();
    await server?.stop();
    await turn?.stop();
  });

  it('coturn is killed mid-call and restarted: the call shows reconnecting, ICE restarts, frames flow again without a redial', async () => {
    const [alice, bob] = await inCall(browser, server.baseUrl, ['alice-turn', 'bob-turn']);
    open.push(alice, bob);
    await alice.waitForReceived((message) => message['type'] === 'login' && message['iceTransportPolicy'] === 'relay');
    await Promise.all([alice, bob].map((user) => startFrameLog(user.page)));
    await Promise.all([alice, bob].map((user) => user.clearStatusHistory()));
    const offersBefore = alice.offersSent() + bob.offersSent();

    const brokenAt = Date.now();
    await turn.crash();
    await Promise.all([alice.waitForStatus('reconnecting', 30_000), bob.waitForStatus('reconnecting', 30_000)]);
    const noticedAt = Date.now();
    await turn.start();
    const restoredAt = Date.now();

    await Promise.all([alice.waitForStatus('connected', 40_000), bob.waitForStatus('connected', 40_000)]);
    const frames = await Promise.all([alice, bob].map(async (user) => user.waitForFramesBeyond((await user.remoteVideo()).frames)));
    expect(frames.every((count) => count > 0)).toBe(true);

    // One call all along: connected, reconnecting while ICE restarted, connected; never ended, never rang.
    for (const user of [alice, bob]) {
      const history = await user.statusHistory();
      expect(history[0]).toBe('connected');
      expect(history).toContain('reconnecting');
      expect(history.at(-1)).toBe('connected');
      expect(history.filter((state) => !['connected', 'reconnecting'].includes(state))).toEqual([]);
    }
    expect(alice.offersSent() + bob.offersSent()).toBeGreaterThan(offersBefore);

    const gaps = await Promise.all([alice, bob].map((user) => longestFrameGap(user.page, brokenAt)));
    console.log(
      `media path broken (coturn SIGKILL) -> frames again: alice ${gaps[0].firstAfter - brokenAt} ms, bob ` +
        `${gaps[1].firstAfter - brokenAt} ms. Chromium noticed (reconnecting) after ${noticedAt - brokenAt} ms; ` +
        `coturn answered again at ${restoredAt - brokenAt} ms; frames ${gaps[0].firstAfter - restoredAt} / ` +
        `${gaps[1].firstAfter - restoredAt} ms after that`,
    );

    await alice.hangUp();
    await bob.waitForStatus('idle');
  }, 120_000);
});
