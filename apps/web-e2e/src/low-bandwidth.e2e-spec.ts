import { TurnServer } from '@duet/testing/processes';
import { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { DuetUser } from './support/duet-user';
import { keepPeerConnections, selectedCandidatePair } from './support/peer-connections';
import { RunningServer, startServer } from './support/server';

/**
 * coturn's cap on every TURN session, each way (bytes per second): 9 kB/s (72 kbit/s). Opus audio
 * with its packet overhead takes about 6 kB/s through a relay and fits; audio with video at
 * Chromium's lowest video bitrate (30 kbit/s) does not, so packets are dropped for as long as video
 * is sent: the loss makes the verdict `poor` whatever the bandwidth estimator does.
 */
const TURN_CAP_BYTES_PER_SECOND = 9_000;
/** The operator's cap, lower than the data saver's 250 kbit/s: the lower one is what the sender gets. */
const OPERATOR_CAP_KBPS = 200;

/** What the page's live video sender is limited to (`encodings[0].maxBitrate`, bit/s), as Chromium holds it. */
function videoSenderMaxBitrate(page: Page): Promise<number | undefined> {
  return page.evaluate(() => {
    const pc = window.__testPeerConnections?.filter((each) => each.connectionState !== 'closed').at(-1);
    const video = pc?.getTransceivers().find((each) => each.receiver.track.kind === 'video')?.sender;
    return video?.getParameters().encodings[0]?.maxBitrate;
  });
}

/** Audio packets this page has received so far, from getStats. */
function audioPacketsReceived(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const pc = window.__testPeerConnections?.filter((each) => each.connectionState !== 'closed').at(-1);
    let packets = 0;
    (await pc?.getStats())?.forEach((report) => {
      if (report.type === 'inbound-rtp' && report.kind === 'audio') packets += report.packetsReceived ?? 0;
    });
    return packets;
  });
}

/**
 * The low-bandwidth mode under a REAL cap: a relay-only call through a coturn started with
 * `--max-bps`. Alice turned the data saver on in the lobby; the quality verdict goes `poor`, and 10 s
 * later her video goes off by itself, both sides say why in words, audio keeps flowing, and one click
 * brings the video back. The 10 s rule is most of this spec's time.
 */
describe('low-bandwidth mode through a bandwidth-capped coturn, in real Chromium', () => {
  let turn: TurnServer;
  let server: RunningServer;
  let browser: Browser;
  const open: DuetUser[] = [];

  beforeAll(async () => {
    turn = await TurnServer.launch({ maxBytesPerSecond: TURN_CAP_BYTES_PER_SECOND });
    server = await startServer({
      env: { ...turn.issuerEnv(), ICE_TRANSPORT_POLICY: 'relay', MAX_VIDEO_BITRATE_KBPS: String(OPERATOR_CAP_KBPS) },
    });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(open.splice(0).map((user) => user.close().catch(() => undefined)));
    await browser?.close();
    await server?.stop();
    await turn?.stop();
  });

  it('goes poor, turns video off by itself with the data saver and says so on both sides, keeps the sound, and restores video in one click', async () => {
    const options = { initScripts: [keepPeerConnections] };
    const alice = await DuetUser.logIn(browser, server.baseUrl, 'alice-weak', '/', options);
    open.push(alice);
    const bob = await DuetUser.logIn(browser, server.baseUrl, 'bob-weak', '/', options);
    open.push(bob);
    await alice.page.getByTestId('data-saver-toggle').click();
    await alice.page.locator('[data-testid="data-saver-toggle"][aria-pressed="true"]').waitFor();

    await alice.callByName(bob.name);
    await bob.accept();
    await Promise.all([alice.waitForStatus('connected', 30_000), bob.waitForStatus('connected', 30_000)]);
    expect(await selectedCandidatePair(alice.page)).toEqual({ local: 'relay', remote: 'relay' });
    // setParameters really holds the lower of the operator's cap and the data saver's.
    await alice.page.waitForFunction(
      (cap) => {
        const pc = window.__testPeerConnections?.filter((each) => each.connectionState !== 'closed').at(-1);
        return pc?.getTransceivers().find((each) => each.receiver.track.kind === 'video')?.sender.getParameters().encodings[0]?.maxBitrate === cap;
      },
      OPERATOR_CAP_KBPS * 1_000,
      { polling: 100, timeout: 10_000 },
    );
    expect(await videoSenderMaxBitrate(bob.page)).toBe(OPERATOR_CAP_KBPS * 1_000);

    // The cap makes the verdict poor; after 10 s of it the data saver turns the video off and says so.
    await alice.page.locator('[data-testid="quality-indicator"][data-quality="poor"]').waitFor({ timeout: 20_000 });
    const notice = alice.page.getByTestId('low-bandwidth-notice');
    await notice.filter({ hasText: 'data saver turned your video off to keep the sound' }).waitFor({ timeout: 25_000 });
    await alice.page.locator('[data-testid="camera-button"][aria-pressed="true"]').waitFor();
    await bob.page.getByTestId('remote-camera-off').filter({ hasText: "alice-weak's connection is weak: their video is off to keep the sound" }).waitFor({ timeout: 5_000 });

    // Audio keeps flowing to Bob with Alice's video off.
    const audioBefore = await audioPacketsReceived(bob.page);
    await bob.page.waitForFunction(
      async (before) => {
        const pc = window.__testPeerConnections?.filter((each) => each.connectionState !== 'closed').at(-1);
        let packets = 0;
        (await pc?.getStats())?.forEach((report) => {
          if (report.type === 'inbound-rtp' && report.kind === 'audio') packets += report.packetsReceived ?? 0;
        });
        return packets > before + 25;
      },
      audioBefore,
      { polling: 200, timeout: 10_000 },
    );

    // One click brings the video back, still capped.
    const frozen = await bob.remoteVideo();
    await alice.page.getByTestId('video-restore-button').click();
    await alice.page.locator('[data-testid="camera-button"][aria-pressed="false"]').waitFor();
    await expect(notice.count()).resolves.toBe(0);
    await bob.page.getByTestId('remote-camera-off').waitFor({ state: 'detached', timeout: 5_000 });
    expect(await bob.waitForFramesBeyond(frozen.frames, 15_000)).toBeGreaterThan(frozen.frames);
    expect(await videoSenderMaxBitrate(alice.page)).toBe(OPERATOR_CAP_KBPS * 1_000);
  }, 90_000);
});
