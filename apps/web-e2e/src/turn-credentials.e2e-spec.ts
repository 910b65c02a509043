import { TurnServer } from '@duet/testing/processes';
import { Browser } from 'playwright-core';
import { launchChromium } from './support/browser';
import { DuetUser } from './support/duet-user';
import { inCall } from './support/in-call';
import { configuredIceServers, gatherWithTurn, keepPeerConnections, selectedCandidatePair } from './support/peer-connections';
import { RunningServer, startServer } from './support/server';

interface IssuedServer {
  urls: string[];
  username: string;
  credential: string;
}

/** The TURN server (with credentials) a page was handed by `login` or a later `ice-servers`. */
async function issuedTurn(user: DuetUser, type: 'login' | 'ice-servers', after = 0): Promise<IssuedServer> {
  const isIt = (message: Record<string, unknown>) => message['type'] === type && (type !== 'login' || message['success'] === true);
  await user.waitForReceived(isIt, 60_000);
  const message = user.received.filter(({ at, message }) => at >= after && isIt(message)).at(-1)?.message;
  const turn = (message?.['iceServers'] as IssuedServer[] | undefined)?.find((server) => server.username);
  if (!turn) throw new Error(`${user.name}: no TURN credentials in "${type}": ${JSON.stringify(message)}`);
  return turn;
}

/** coturn's log lines that name `username` and an allocation it granted. */
function allocationsFor(log: string, username: string): string[] {
  return log.split('\n').filter((line) => line.includes(`user <${username}>`) && /ALLOCATE processed, success/.test(line));
}

/**
 * The Duet server ISSUES the TURN credentials (TURN_SECRET shared with a real coturn, policy relay):
 * calls go through coturn with them, coturn refuses forged and expired ones, and the renewal the
 * server sends before expiry reaches the running call's RTCPeerConnection and serves its ICE restart.
 */
describe('TURN credentials issued by Duet, with a real coturn and real Chromium', () => {
  let turn: TurnServer;
  let server: RunningServer;
  let browser: Browser;
  const open: DuetUser[] = [];
  const options = { initScripts: [keepPeerConnections] };

  beforeAll(async () => {
    turn = await TurnServer.launch();
    // The shortest lifetime allowed (60 s), so the renewal (at 80 %) comes within one test.
    server = await startServer({ env: { ...turn.issuerEnv(), ICE_TRANSPORT_POLICY: 'relay', TURN_TTL_SECONDS: '60' } });
    browser = await launchChromium();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(open.splice(0).map((user) => user.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await turn?.stop();
  });

  it('a relay-only call connects through coturn with the credentials Duet issued: frames flow, the selected pair is relay/relay', async () => {
    const [alice, bob] = await inCall(browser, server.baseUrl, ['alice-relay', 'bob-relay'], options);
    open.push(alice, bob);
    const issued = await issuedTurn(alice, 'login');
    expect(issued.urls).toEqual([turn.url]);
    expect(issued.username).toMatch(/^\d+:alice-relay$/);
    const expiresIn = Number(issued.username.split(':')[0]) - Date.now() / 1_000;
    expect(expiresIn).toBeGreaterThan(0);
    expect(expiresIn).toBeLessThanOrEqual(60);

    expect(await selectedCandidatePair(alice.page)).toEqual({ local: 'relay', remote: 'relay' });
    expect(await selectedCandidatePair(bob.page)).toEqual({ local: 'relay', remote: 'relay' });
    const frames = await Promise.all([alice, bob].map(async (user) => user.waitForFramesBeyond((await user.remoteVideo()).frames)));
    expect(frames.every((count) => count > 0)).toBe(true);
    // coturn itself says it granted an allocation to exactly the username Duet issued.
    expect(allocationsFor(turn.logs(), issued.username)).not.toEqual([]);
  }, 60_000);

  it('coturn refuses a forged credential and an expired one (401, no relay candidate); the issued one gets a relay candidate', async () => {
    const carol = await DuetUser.logIn(browser, server.baseUrl, 'carol-relay');
    open.push(carol);
    const issued = await issuedTurn(carol, 'login');
    const forged = turn.credentials('carol-relay', { secret: 'not-the-secret-coturn-has' });
    const expired = turn.credentials('carol-relay', { expiresAt: Math.floor(Date.now() / 1_000) - 60 });

    const control = await gatherWithTurn(carol.page, issued);
    expect(control.candidateTypes).toContain('relay');
    expect(control.errors).toEqual([]);
    for (const [what, credentials] of [['forged', forged], ['expired', expired]] as const) {
      const gathering = await gatherWithTurn(carol.page, credentials);
      console.log(`coturn and a ${what} credential: candidates [${gathering.candidateTypes}], errors ${JSON.stringify(gathering.errors)}`);
      expect(gathering.candidateTypes).not.toContain('relay');
      expect(gathering.errors.map((error) => error.errorCode)).toContain(401);
    }
  }, 60_000);

  it('a renewal (ice-servers) reaches the running call; after coturn restarts, ICE restarts with the renewed credentials', async () => {
    const [alice, bob] = await inCall(browser, server.baseUrl, ['alice-renew', 'bob-renew'], options);
    open.push(alice, bob);
    const first = await issuedTurn(alice, 'login');
    const loggedInAt = Date.now();
    const [renewed] = await Promise.all([issuedTurn(alice, 'ice-servers'), issuedTurn(bob, 'ice-servers')]);
    console.log(`ice-servers renewal arrived ${Date.now() - loggedInAt} ms after the call connected (TURN_TTL_SECONDS=60)`);
    expect(renewed.username).toMatch(/^\d+:alice-renew$/);
    expect(renewed.username).not.toBe(first.username);
    // The app applies it with setConfiguration: the live connection now holds the renewed one.
    await alice.page.waitForFunction(
      (username) => window.__testPeerConnections?.at(-1)?.getConfiguration().iceServers?.some((server) => server.username === username),
      renewed.username,
      { polling: 50, timeout: 10_000 },
    );
    expect((await configuredIceServers(alice.page)).map((server) => server.username)).toEqual([renewed.username]);

    // Only a new allocation can bring media back, and it must use the renewed credentials.
    await turn.crash();
    const logMark = turn.logs().length;
    await Promise.all([alice.waitForStatus('reconnecting', 30_000), bob.waitForStatus('reconnecting', 30_000)]);
    await turn.start();
    await Promise.all([alice.waitForStatus('connected', 40_000), bob.waitForStatus('connected', 40_000)]);
    await alice.waitForFramesBeyond((await alice.remoteVideo()).frames);
    const afterRestart = turn.logs().slice(logMark);
    expect(allocationsFor(afterRestart, renewed.username)).not.toEqual([]);
    expect(allocationsFor(afterRestart, first.username)).toEqual([]);
  }, 150_000);
});
