import { TurnServer } from '@duet/testing/processes';
import { Browser } from 'playwright-core';
import { launchChromium } from './support/browser';
import { DuetUser } from './support/duet-user';
import { inCall } from './support/in-call';
import { RunningServer, startServer } from './support/server';
import { SignalingMitm } from './support/signaling-mitm';

/**
 * Glare later in a call: both sides restart ICE at once (as when both changed network). A
 * relay-only call through a real coturn that is killed breaks the media path for both; a
 * signaling middleman holds every restart offer until both sides have sent one and coturn is
 * back, so the two offers always cross. No side rolls back: the polite one offers on a fresh
 * connection, and the other answers on a fresh one of its own.
 */
describe('glare in the middle of a call, in real Chromium', () => {
  let turn: TurnServer;
  let server: RunningServer;
  let browser: Browser;
  const open: DuetUser[] = [];
  let mitm: SignalingMitm | null = null;

  beforeAll(async () => {
    turn = await TurnServer.launch();
    server = await startServer({ env: { ICE_SERVERS: JSON.stringify([turn.credentials()]), ICE_TRANSPORT_POLICY: 'relay' } });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(open.map((user) => user.close().catch(() => undefined)));
    await mitm?.close();
    await browser?.close();
    await server?.stop();
    await turn?.stop();
  });

  it('both restart ICE at once: each moves to a fresh connection, nobody rolls back, frames flow again in the same call', async () => {
    let armed = false;
    let turnBack = false;
    const restartOffers = new Set<unknown>();
    let release = () => undefined as void;
    const crossed = new Promise<void>((resolve) => (release = resolve));
    const maybeRelease = () => {
      if (restartOffers.size === 2 && turnBack) release();
    };
    mitm = await SignalingMitm.start(
      server.port,
      async (message) => {
        if (armed && message['type'] === 'offer') await crossed;
        return message;
      },
      (sent) => {
        if (!armed || sent['type'] !== 'offer') return;
        restartOffers.add(sent['otherUsername']);
        maybeRelease();
      },
    );
    const [alice, bob] = await inCall(browser, mitm.baseUrl, ['alice-mg', 'bob-mg']);
    open.push(alice, bob);
    await Promise.all([alice, bob].map((user) => user.clearStatusHistory()));

    armed = true;
    await turn.crash();
    await Promise.all([alice.waitForStatus('reconnecting', 30_000), bob.waitForStatus('reconnecting', 30_000)]);
    await turn.start();
    turnBack = true;
    maybeRelease();
    await crossed;

    try {
      await Promise.all([alice.waitForStatus('connected', 40_000), bob.waitForStatus('connected', 40_000)]);
      for (const user of [alice, bob]) {
        const before = await user.remoteVideo();
        expect(await user.waitForFramesBeyond(before.frames + 10)).toBeGreaterThan(before.frames + 10);
      }
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- ${alice.name} ---\n${alice.consoleLog()}\n--- ${bob.name} ---\n${bob.consoleLog()}`);
    }

    // The data channels came back with the fresh connections: control (camera off), chat, and the
    // verification code over the new certificates.
    await bob.page.getByTestId('camera-button').click();
    await alice.page.getByTestId('remote-camera-off').waitFor({ timeout: 10_000 });
    await alice.page.getByTestId('chat-button').click();
    await alice.page.getByTestId('chat-input').fill('still here?');
    await alice.page.locator('[data-testid="chat-send"]:not([disabled])').click();
    await bob.page.getByTestId('chat-unread').waitFor({ timeout: 10_000 });
    const codes = await Promise.all([alice, bob].map((user) => user.page.getByTestId('verification-code').textContent()));
    expect(codes[0]?.trim()).toMatch(/\d/);
    expect(codes[0]).toBe(codes[1]);

    // alice sorts first, so she is the polite side.
    expect(alice.consoleLog()).toContain('offer collision in the call: offering on a fresh connection');
    expect(bob.consoleLog()).toContain('offer from a fresh connection of theirs: answering on a fresh one');
    for (const user of [alice, bob]) {
      expect(user.consoleLog()).not.toContain('rolling back');
      const history = await user.statusHistory();
      expect(history.filter((state) => !['connected', 'reconnecting'].includes(state))).toEqual([]);
      expect(history.at(-1)).toBe('connected');
    }
  }, 150_000);
});
