import { TcpProxy } from '@duet/testing/processes';
import { Browser } from 'playwright-core';
import { launchChromium } from './support/browser';
import { DuetUser } from './support/duet-user';
import { RunningServer, startServer } from './support/server';

type Received = Record<string, unknown>;
const isType = (type: string) => (message: Received) => message['type'] === type;

/**
 * Alice's page reaches the server through a TCP proxy the test cuts: her WebSocket dies without a
 * close frame, as on a lost network, while Bob's stays up. Media flows peer to peer throughout.
 */
describe('a call through a dropped WebSocket, in real Chromium', () => {
  let browser: Browser;
  const open: DuetUser[] = [];
  const stops: (() => Promise<void>)[] = [];
  let run = 0;

  /** A server (and a proxy in front of it for Alice), torn down after the file. */
  async function world(env: Record<string, string> = {}): Promise<{ server: RunningServer; proxy: TcpProxy }> {
    const server = await startServer({ env });
    const proxy = await TcpProxy.start(server.port);
    stops.push(() => proxy.close(), () => server.stop());
    return { server, proxy };
  }

  /** Alice (behind the proxy) calls Bob (direct); both see video. */
  async function aliceCallsBob(server: RunningServer, proxy: TcpProxy): Promise<[DuetUser, DuetUser]> {
    run += 1;
    const alice = await DuetUser.logIn(browser, proxy.baseUrl, `alice-drop${run}`);
    const bob = await DuetUser.logIn(browser, server.baseUrl, `bob-drop${run}`);
    open.push(alice, bob);
    await alice.callByName(bob.name);
    await bob.accept();
    await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
    await Promise.all([alice.waitForRemoteVideo(), bob.waitForRemoteVideo()]);
    await Promise.all([alice.clearStatusHistory(), bob.clearStatusHistory()]);
    return [alice, bob];
  }

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(open.splice(0).map((user) => user.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await browser?.close();
    for (const stop of stops.reverse()) await stop();
  });

  it('survives the drop: Bob sees Alice reconnecting and back, Alice resumes her session, video never stops', async () => {
    const { server, proxy } = await world();
    const [alice, bob] = await aliceCallsBob(server, proxy);
    const frames = await Promise.all([alice.remoteVideo(), bob.remoteVideo()]);
    const loginsBefore = alice.received.filter(({ message }) => message['type'] === 'login').length;

    const droppedAt = Date.now();
    proxy.cut();
    await bob.page.getByTestId('peer-reconnecting').filter({ hasText: `${alice.name} is reconnecting…` }).waitFor();
    const resumedAt = await alice.waitForReceived((message) => message['type'] === 'login' && message['resumed'] === true);
    const peerBackAt = await bob.waitForReceived(isType('reconnected'));
    await bob.page.getByTestId('peer-reconnecting').waitFor({ state: 'detached' });
    expect(alice.received.filter(({ message }) => message['type'] === 'login')).toHaveLength(loginsBefore + 1);

    await Promise.all([alice.waitForFramesBeyond(frames[0].frames + 10), bob.waitForFramesBeyond(frames[1].frames + 10)]);
    expect(await alice.statusHistory()).toEqual(['connected']);
    expect(await bob.statusHistory()).toEqual(['connected']);
    console.log(
      `WebSocket dropped -> session resumed (login reply with resumed: true): ${resumedAt - droppedAt} ms; ` +
        `the peer told "reconnected" after ${peerBackAt - droppedAt} ms`,
    );

    await bob.hangUp();
    await alice.waitForStatus('idle');
    expect(await alice.page.getByTestId('error-message').textContent()).toBe(`${bob.name} hung up.`);
  }, 90_000);

  it('delivers what was sent during the outage, in order: Bob hangs up and calls again, Alice hears both', async () => {
    const { server, proxy } = await world();
    const [alice, bob] = await aliceCallsBob(server, proxy);
    // Alice placed the call: the server named it in its `ringing` to her.
    const firstCallId = alice.received.find(({ message }) => message['type'] === 'ringing')?.message['callId'];
    expect(firstCallId).toEqual(expect.any(String));

    proxy.block();
    await bob.page.getByTestId('peer-reconnecting').waitFor();
    // The control channel is peer to peer: Bob's mute reaches Alice even now.
    await bob.page.getByTestId('mute-button').click();
    await alice.page.getByTestId('remote-muted').waitFor();
    await bob.hangUp();
    await bob.waitForStatus('idle');
    // Alice is still "online" (the server holds her session): Bob can call her again.
    await bob.callByName(alice.name);
    await bob.waitForStatus('calling');
    const missedFrom = alice.received.length;
    proxy.unblock();

    await alice.waitForStatus('ringing', 30_000);
    const missed = alice.received.slice(missedFrom).map(({ message }) => message);
    const close = missed.findIndex(isType('close'));
    const offer = missed.findIndex(isType('offer'));
    expect(missed[0]).toMatchObject({ type: 'login', resumed: true });
    expect(close).toBeGreaterThan(0);
    expect(offer).toBeGreaterThan(close);
    expect(missed[close]).toMatchObject({ reason: 'hangup', callId: firstCallId });
    expect(missed[offer]).toMatchObject({ username: bob.name, callId: expect.any(String) });
    expect(missed[offer]['callId']).not.toBe(firstCallId);
    // The old call is over and the new one rings (both may land between two renders of the page).
    expect((await alice.statusHistory()).at(-1)).toBe('ringing');
    expect(await alice.page.getByTestId('incoming-call').textContent()).toContain(bob.name);

    await alice.accept();
    await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
    expect((await alice.waitForRemoteVideo()).frames).toBeGreaterThan(0);
  }, 90_000);

  it('when Alice stays away past the resume window, the call ends for Bob in words, and for Alice when she is back', async () => {
    const { server, proxy } = await world({ RESUME_WINDOW_MS: '3000' });
    const [alice, bob] = await aliceCallsBob(server, proxy);

    proxy.block();
    await bob.page.getByTestId('peer-reconnecting').waitFor();
    await bob.page
      .getByTestId('error-message')
      .filter({ hasText: `${alice.name} lost their connection and did not come back in time, so the call ended.` })
      .waitFor({ timeout: 15_000 });
    await bob.waitForStatus('idle');

    proxy.unblock();
    await alice.page
      .getByTestId('error-message')
      .filter({ hasText: `The call with ${bob.name} could not be restored after the connection was lost.` })
      .waitFor({ timeout: 30_000 });
    await alice.waitForStatus('idle');
  }, 90_000);
});
