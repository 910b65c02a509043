import { TurnServer } from '@duet/testing/processes';
import { CrossBrowserSuite, DIRECTIONS, callAndAnswer, crossBrowserSuite } from '../support/cross-browser-suite';
import { launchFirefox } from '../support/firefox';
import { Engine } from '../support/page-driver';
import { configuredIceServers, keepPeerConnections, selectedCandidates } from '../support/peer-connections';
import { Person } from '../support/person';
import { ServerOptions } from '../support/server';

/** The TURN username (`<expiry>:<user>`) of the person's live RTCPeerConnection, read with getConfiguration. */
async function liveTurnUsername(person: Person): Promise<string> {
  const usernames = (await configuredIceServers(person.driver)).map((server) => server.username).filter(Boolean);
  if (usernames.length !== 1) throw person.failure(`expected one TURN server with a username, got ${JSON.stringify(usernames)}`);
  return String(usernames[0]);
}

/** Waits until the live connection's configuration carries a TURN username other than `before` (the renewal). */
async function waitForRenewal(person: Person, before: string, timeoutMs: number): Promise<string> {
  try {
    return await person.driver.waitForFunction(
      (before) => {
        const pc = window.__testPeerConnections?.filter((each) => each.connectionState !== 'closed').at(-1);
        const username = pc?.getConfiguration().iceServers?.find((server) => server.username)?.username;
        return username && username !== before ? username : false;
      },
      before,
      timeoutMs,
      200,
    );
  } catch (error) {
    throw person.failure(`the live connection never took a renewed TURN credential (still ${before}): ${(error as Error).message}`);
  }
}

/**
 * The person's call goes through coturn: the selected pair joins their relay address and the other
 * side's, both on coturn's relay IP. Until the other side's candidate comes over signaling, ICE
 * may know it only from its check, as prflx (Chromium hides that address), and a connection that
 * was just replaced has no pair yet: poll until the pair is named.
 */
async function expectRelayed(person: Person): Promise<void> {
  const relayed = `${person.name}: relay 127.0.0.1 -> relay 127.0.0.1`;
  let seen = '';
  for (const deadline = Date.now() + 10_000; seen !== relayed && Date.now() < deadline; ) {
    if (seen) await new Promise((resolve) => setTimeout(resolve, 250));
    seen = await selectedCandidates(person.driver).then(
      ({ local, remote }) => `${person.name}: ${local.type} ${local.address} -> ${remote.type} ${remote.address}`,
      (error: Error) => `${person.name}: ${error.message}`,
    );
  }
  expect(seen).toBe(relayed);
}

/** coturn's log lines where it granted an allocation to `username`. */
function allocationsFor(log: string, username: string): string[] {
  return log.split('\n').filter((line) => line.includes(`user <${username}>`) && /ALLOCATE processed, success/.test(line));
}

/**
 * `callerEngine` calls `calleeEngine` with the init-script probe on both pages; resolves once video
 * flows both ways. `firefox` is where a Firefox person opens the app (the suite's by default).
 */
async function relayCall(suite: CrossBrowserSuite, [callerEngine, calleeEngine]: [Engine, Engine], firefox = suite.firefox): Promise<Person[]> {
  const open = (engine: Engine, name: string) => (engine === 'firefox' && firefox !== suite.firefox ? Person.inFirefox(firefox, name) : suite.open(engine, name));
  const caller = await open(callerEngine, `${callerEngine}-calls-${calleeEngine}`);
  const callee = await open(calleeEngine, `${calleeEngine}-answers-${callerEngine}`);
  for (const person of [caller, callee]) {
    await person.driver.addInitScript(keepPeerConnections);
    await person.logIn(suite.server.baseUrl);
  }
  await callAndAnswer(caller, callee);
  return [caller, callee];
}

/**
 * Relay-only calls between Chromium and Firefox through a real coturn, with the TURN REST
 * credentials Duet issues (TURN_SECRET shared with coturn, ICE_TRANSPORT_POLICY=relay). Both
 * directions run at once, through one coturn, so the file waits for one renewal, not two: each
 * call connects relay/relay; the renewal Duet sends before expiry (TURN_TTL_SECONDS=60: at 48 s)
 * reaches all four live connections (setConfiguration); coturn is killed and restarted, and only an
 * ICE restart with the renewed credentials (new allocations) brings media back.
 */
describe('cross-browser TURN: relay-only calls, credential renewal, ICE restart after coturn restarts', () => {
  let turn: TurnServer;
  const serverOptions: ServerOptions = {};

  // Before the suite's own beforeAll (hooks run in order): the server needs coturn's secret and port.
  beforeAll(async () => {
    turn = await TurnServer.launch();
    serverOptions.env = { ...turn.issuerEnv(), ICE_TRANSPORT_POLICY: 'relay', TURN_TTL_SECONDS: '60' };
  }, 20_000);
  const suite = crossBrowserSuite(serverOptions);
  afterAll(() => turn?.stop());

  it('Firefox calls Chromium, then Chromium restarts ICE: the answer Firefox gives (the other DTLS role) does not wedge the call', async () => {
    const [caller, callee] = await relayCall(suite, ['firefox', 'chromium']);
    const agreed = await callee.driver.evaluate(() => window.__testPeerConnections?.at(-1)?.currentRemoteDescription?.sdp ?? '', undefined);
    // What Chromium's ICE recovery does when the path breaks: restart ICE on the live connection.
    await callee.driver.evaluate(() => window.__testPeerConnections?.at(-1)?.restartIce(), undefined);
    // A new negotiation completes: Chromium refused Firefox's answer ("Failed to set SSL role for
    // the transport") and stayed in have-local-offer until CallSession started over on a fresh connection.
    await callee.driver
      .waitForFunction(
        (agreed) => {
          const pc = window.__testPeerConnections?.filter((each) => each.connectionState !== 'closed').at(-1);
          const sdp = pc?.currentRemoteDescription?.sdp;
          return pc?.signalingState === 'stable' && pc.connectionState === 'connected' && sdp !== undefined && sdp !== agreed;
        },
        agreed,
        30_000,
      )
      .catch((error: Error) => {
        throw callee.failure(`no new negotiation completed after the ICE restart: ${error.message}`);
      });
    await Promise.all([caller, callee].map((person) => person.waitForNewFrames('remote-video')));
    for (const person of [caller, callee]) {
      await expectRelayed(person);
      expect(person.consoleLog()).not.toContain('a signaling step failed');
    }
  }, 60_000);

  it('Chromium calls Firefox and Firefox calls Chromium through coturn: relay/relay with Duet\'s credentials; the renewal reaches each live connection; after coturn restarts, ICE restarts on it', async () => {
    // Firefox runs animation frames and video frame callbacks in its front tab only: the second
    // call's Firefox person gets a Firefox of their own (closing it closes them).
    const secondFirefox = await launchFirefox();
    suite.stopAfterTest.push(() => secondFirefox.close());
    const calls = await Promise.all(DIRECTIONS.map((direction, index) => relayCall(suite, direction, index === 0 ? suite.firefox : secondFirefox)));
    const people = calls.flat();

    // Relay only, through coturn, with the credentials Duet issued to each of them.
    const first = new Map<Person, string>();
    for (const person of people) {
      await expectRelayed(person);
      const username = await liveTurnUsername(person);
      expect(username).toMatch(new RegExp(`^\\d+:${person.name}$`));
      expect(allocationsFor(turn.logs(), username)).not.toEqual([]);
      first.set(person, username);
    }

    // The renewal (48 s after log-in) reaches each live RTCPeerConnection (setConfiguration).
    const renewed = new Map<Person, string>();
    await Promise.all(people.map(async (person) => renewed.set(person, await waitForRenewal(person, first.get(person) ?? '', 70_000))));
    for (const person of people) {
      expect(renewed.get(person)).toMatch(new RegExp(`^\\d+:${person.name}$`));
      expect(Number(renewed.get(person)?.split(':')[0])).toBeGreaterThan(Number(first.get(person)?.split(':')[0]));
    }

    // coturn dies with every allocation; it comes back, and ICE restarts through it.
    const killedAt = Date.now();
    await turn.crash();
    const logMark = turn.logs().length;
    // Each call notices (one side or both: once one side restarts ICE, the other may never see its
    // path fail). coturn comes back as soon as one call noticed: waiting for the slowest person
    // (Firefox can take about 30 s to call a dead relay failed, Chromium about 6) spent the others'
    // 30 s recovery window on a coturn still down, and a call ended now and then (2 runs in about 10).
    const noticing = calls.map(([caller, callee]) =>
      Promise.any([caller, callee].map((person) => person.waitForStatus('reconnecting', 60_000))).then(() => Date.now() - killedAt),
    );
    await Promise.race(noticing);
    await turn.start();
    const backAt = Date.now();
    const noticed = await Promise.all(noticing);
    const recovered = await Promise.all(people.map((person) => person.waitForStatus('connected', 40_000).then(() => Date.now() - backAt)));
    console.log(
      'coturn SIGKILL -> reconnecting, coturn answering again -> connected (ms): ' +
        people.map((person, index) => `${person.name} ${noticed[Math.floor(index / 2)]} / ${recovered[index]}`).join('; '),
    );
    await Promise.all(people.map((person) => person.waitForNewFrames('remote-video')));
    const afterRestart = turn.logs().slice(logMark);
    for (const person of people) {
      await expectRelayed(person);
      // The new allocations used the renewed credential, never the first one.
      expect(allocationsFor(afterRestart, renewed.get(person) ?? '')).not.toEqual([]);
      expect(allocationsFor(afterRestart, first.get(person) ?? '')).toEqual([]);
    }

    // Every negotiation step was applied: none was refused (Chromium refused Firefox's answer to its
    // ICE restart, "Failed to set SSL role for the transport", before CallSession started over).
    for (const person of people) expect(person.consoleLog()).not.toContain('a signaling step failed');

    for (const [caller, callee] of calls) {
      await caller.hangUp();
      await Promise.all([caller.waitForStatus('idle'), callee.waitForStatus('idle')]);
    }
  }, 180_000);
});
