import { StartedServer, TcpProxy, TurnServer, startServerProcess } from '@duet/testing/processes';
import { appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../apps/web-e2e/src/support/browser';
import { DuetUser } from '../../apps/web-e2e/src/support/duet-user';
import { inCall } from '../../apps/web-e2e/src/support/in-call';
import { startFrameLog } from '../../apps/web-e2e/src/support/observe';
import { keepPeerConnections } from '../../apps/web-e2e/src/support/peer-connections';

declare global {
  interface Window {
    /** When (epoch ms) inbound RTP of each kind was seen growing, sampled every 100 ms by the measurement. */
    __packetTimes?: { audio: number[]; video: number[] };
  }
}

/**
 * Measures, does not judge (README.md here): how long a call takes to recover, as the people in
 * it notice, from three failures, in real Chromium against the built server of `MEASURE_DIST`:
 *
 * - the TURN relay of a relay-only call dies (coturn SIGKILLed) and comes back after
 *   `MEASURE_RELAY_OUTAGES_MS`: from coturn answering again to each remote <video>'s next new frame
 *   (requestVideoFrameCallback, so a frozen picture counts as frozen);
 * - the signaling server is SIGKILLed mid-call and restarted on its port (after
 *   `MEASURE_SERVER_DOWN_MS` more): from the new server's "serving" line to both sides' `reconnected`
 *   (the call claimed back);
 * - one side's WebSocket is cut (a TCP proxy drops it, no close frame): from the cut to that side's
 *   resumed login, and to the peer's `reconnected`.
 */
const RUNS = Number(process.env['MEASURE_RUNS'] ?? 3);
const DIST = resolve(process.env['MEASURE_DIST'] ?? join(__dirname, '../../dist'));
const LABEL = process.env['MEASURE_LABEL'] ?? DIST;
const RELAY_OUTAGES_MS = (process.env['MEASURE_RELAY_OUTAGES_MS'] ?? '3000,8000').split(',').map(Number);
const SERVER_DOWN_MS = (process.env['MEASURE_SERVER_DOWN_MS'] ?? '0,5000').split(',').map(Number);
/** Where each figure also goes, one JSON line per run (optional). */
const OUT = process.env['MEASURE_OUT'];

function record(scenario: string, figures: Record<string, number | string>): void {
  const line = { label: LABEL, scenario, ...figures };
  console.log(JSON.stringify(line));
  if (OUT) appendFileSync(OUT, `${JSON.stringify(line)}\n`);
}

/** The build under measure: its server and its web app, on `port` (a free one by default). */
function startServer(env: Record<string, string> = {}, port?: number): Promise<StartedServer> {
  return startServerProcess({
    main: join(DIST, 'apps/server/main.js'),
    env: { WEB_ROOT: join(DIST, 'apps/web/browser'), ...env },
    ...(port === undefined ? {} : { port }),
    // Its own "serving on" line: the moment it listens (polling `/` would add up to 100 ms).
    readyTimeoutMs: 40_000,
  });
}

/** A measured pause: the outage a scenario is about, not a wait for a condition. */
const outage = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Records in the page when inbound audio and video packets grow on its newest connection (every 100 ms). */
async function startPacketLog(page: Page): Promise<void> {
  await page.evaluate(() => {
    const times = (window.__packetTimes = { audio: [] as number[], video: [] as number[] });
    const last = new Map<RTCPeerConnection, { audio: number; video: number }>();
    setInterval(async () => {
      const pc = window.__testPeerConnections?.at(-1);
      if (!pc || pc.connectionState === 'closed') return;
      const now = { audio: 0, video: 0 };
      (await pc.getStats()).forEach((report: { type?: string; kind?: 'audio' | 'video'; packetsReceived?: number }) => {
        if (report.type === 'inbound-rtp' && report.kind) now[report.kind] += report.packetsReceived ?? 0;
      });
      const before = last.get(pc) ?? { audio: 0, video: 0 };
      for (const kind of ['audio', 'video'] as const) if (now[kind] > before[kind]) times[kind].push(Date.now());
      last.set(pc, now);
    }, 100);
  });
}

/** When inbound `kind` packets were first seen growing after `since`, if they were. */
async function firstPacketsAfter(page: Page, kind: 'audio' | 'video', since: number): Promise<number | null> {
  return page.evaluate(({ kind, since }) => window.__packetTimes?.[kind].find((at) => at > since) ?? null, { kind, since });
}

/** When the remote <video> first showed a new frame after `since` (epoch ms); waits for one. */
async function firstFrameAfter(page: Page, since: number): Promise<number> {
  const handle = await page.waitForFunction((after) => (window.__frameTimes ?? []).find((at) => at > after) ?? false, since, {
    timeout: 90_000,
    polling: 50,
  });
  return (await handle.jsonValue()) as number;
}

/** When (ms after `since`) the page restarted ICE from now on: `s` a stall restart, `#n` ICE recovery's (the app's debug log). */
function restartLog(page: Page, since: number): string[] {
  const log: string[] = [];
  page.on('console', (message) => {
    const restart = /ICE restart (#\d+|\(media stalled\))/.exec(message.text());
    if (restart) log.push(`${restart[1].startsWith('#') ? restart[1] : 's'}@${Date.now() - since}`);
  });
  return log;
}

describe(`recovery times (${LABEL})`, () => {
  let browser: Browser;
  const open: DuetUser[] = [];
  let run = 0;

  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(open.splice(0).map((user) => user.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('TURN relay killed in a relay-only call: frames again after coturn is back', async () => {
    const turn = await TurnServer.launch();
    const server = await startServer({ ICE_SERVERS: JSON.stringify([turn.credentials()]), ICE_TRANSPORT_POLICY: 'relay' });
    try {
      for (const outageMs of RELAY_OUTAGES_MS) {
        for (let attempt = 1; attempt <= RUNS; attempt++) {
          run += 1;
          const users = await inCall(browser, server.baseUrl, [`alice-relay${run}`, `bob-relay${run}`], { initScripts: [keepPeerConnections] });
          open.push(...users);
          await Promise.all(users.map((user) => startFrameLog(user.page)));
          await Promise.all(users.map((user) => startPacketLog(user.page)));
          await Promise.all(users.map((user) => user.waitForFramesBeyond(0)));
          const killedAt = Date.now();
          const restartsAt = users.map((user) => restartLog(user.page, killedAt));
          await turn.crash();
          await outage(outageMs);
          await turn.start();
          const backAt = Date.now();
          const frames = await Promise.all(users.map((user) => firstFrameAfter(user.page, backAt)));
          const sinceBack = (at: number | null) => (at === null ? '-' : String(at - backAt));
          const packets = await Promise.all(
            users.map(async (user) => `${sinceBack(await firstPacketsAfter(user.page, 'audio', backAt))}/${sinceBack(await firstPacketsAfter(user.page, 'video', backAt))}`),
          );
          record('relay', {
            outageMs,
            run: attempt,
            backAfterKillMs: backAt - killedAt,
            framesAfterBackMs: Math.max(...frames) - backAt,
            aliceMs: frames[0] - backAt,
            bobMs: frames[1] - backAt,
            framesAfterKillMs: Math.max(...frames) - killedAt,
            packetsAfterBackMs: packets.join(' | '),
            restartsAfterKillMs: restartsAt.map((log) => log.join(' ') || '-').join(' / '),
          });
          await users[0].hangUp();
          await users[1].waitForStatus('idle', 30_000);
          await Promise.all(open.splice(0).map((user) => user.close()));
        }
      }
    } finally {
      await server.stop();
      await turn.stop();
    }
  });

  it('signaling server SIGKILLed mid-call and restarted: both sides claim the call back', async () => {
    let server = await startServer();
    try {
      for (const downMs of SERVER_DOWN_MS) {
        for (let attempt = 1; attempt <= RUNS; attempt++) {
          run += 1;
          const users = await inCall(browser, server.baseUrl, [`alice-crash${run}`, `bob-crash${run}`]);
          open.push(...users);
          const crashedAt = Date.now();
          await server.crash();
          await outage(downMs);
          server = await startServer({}, server.port);
          const servedAt = Date.now();
          const back = await Promise.all(users.map((user) => user.waitForReceived((message) => message['type'] === 'reconnected', 60_000)));
          record('server-crash', {
            downMs,
            run: attempt,
            servedAfterCrashMs: servedAt - crashedAt,
            claimedAfterServedMs: Math.max(...back) - servedAt,
            aliceMs: back[0] - servedAt,
            bobMs: back[1] - servedAt,
          });
          await users[0].hangUp();
          await users[1].waitForStatus('idle', 30_000);
          await Promise.all(open.splice(0).map((user) => user.close()));
        }
      }
    } finally {
      await server.stop();
    }
  });

  it('one WebSocket cut (no close frame): the session resumes', async () => {
    const server = await startServer();
    const proxy = await TcpProxy.start(server.port);
    try {
      for (let attempt = 1; attempt <= RUNS; attempt++) {
        run += 1;
        const alice = await DuetUser.logIn(browser, proxy.baseUrl, `alice-cut${run}`);
        const bob = await DuetUser.logIn(browser, server.baseUrl, `bob-cut${run}`);
        open.push(alice, bob);
        await alice.callByName(bob.name);
        await bob.accept();
        await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
        const cutAt = Date.now();
        proxy.cut();
        const resumedAt = await alice.waitForReceived((message) => message['type'] === 'login' && message['resumed'] === true);
        const peerToldAt = await bob.waitForReceived((message) => message['type'] === 'reconnected');
        record('socket-cut', { run: attempt, resumedAfterCutMs: resumedAt - cutAt, peerToldAfterCutMs: peerToldAt - cutAt });
        await bob.hangUp();
        await alice.waitForStatus('idle', 30_000);
        await Promise.all(open.splice(0).map((user) => user.close()));
      }
    } finally {
      await proxy.close();
      await server.stop();
    }
  });
});
