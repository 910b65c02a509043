import { TurnServer } from '@duet/testing/processes';
import { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { DuetUser } from '../support/duet-user';
import { RunningServer, startServer } from '../support/server';
import { autoAnswer, summarize, timeCallUntil } from './timing';

// `npm run bench` asks for 7 of each kind (CONNECT_TIME_CALLS); 3 when this file is run alone.
const CALLS = Number(process.env['CONNECT_TIME_CALLS'] ?? 3);

/**
 * Measures, does not judge: click Call -> `connected` for a relay-only call (through a real coturn,
 * with the credentials Duet issues) against a host-only one (no ICE servers), on one machine in one
 * run, calls interleaved so both see the same load. Grep the output for CONNECT-TIME.
 */
describe('time to a connected call, relay-only vs host-only (measurement only)', () => {
  let turn: TurnServer;
  let relayServer: RunningServer;
  let hostServer: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    turn = await TurnServer.launch();
    relayServer = await startServer({ env: { ...turn.issuerEnv(), ICE_TRANSPORT_POLICY: 'relay' } });
    hostServer = await startServer();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await relayServer?.stop();
    await hostServer?.stop();
    await turn?.stop();
  });

  it(`logs the median click-Call-to-connected over ${CALLS} calls of each kind`, async () => {
    const pairs = {
      'relay-only': await logInPair(relayServer, 'relay'),
      'host-only': await logInPair(hostServer, 'host'),
    };
    const samples: Record<keyof typeof pairs, number[]> = { 'relay-only': [], 'host-only': [] };
    for (let call = 0; call < CALLS; call++) {
      for (const kind of ['relay-only', 'host-only'] as const) {
        const [alice, bob] = pairs[kind];
        samples[kind].push(await timeCallUntil(alice, bob.name, 'connected'));
        await alice.hangUp();
        await Promise.all([alice.waitForStatus('idle'), bob.waitForStatus('idle')]);
      }
    }
    // Every relay-only call really went through coturn (the policy leaves no other way).
    expect(turn.logs()).toMatch(/user <\d+:alice-relay>: incoming packet ALLOCATE processed, success/);
    for (const kind of ['relay-only', 'host-only'] as const) {
      console.log(`CONNECT-TIME ${kind}: click Call -> connected over ${CALLS} calls: ${summarize(samples[kind])}`);
      expect(samples[kind]).toHaveLength(CALLS);
    }
    await Promise.all(Object.values(pairs).flat().map((user) => user.close()));
  }, 180_000);

  async function logInPair(server: RunningServer, tag: string): Promise<[DuetUser, DuetUser]> {
    const alice = await DuetUser.logIn(browser, server.baseUrl, `alice-${tag}`);
    const bob = await DuetUser.logIn(browser, server.baseUrl, `bob-${tag}`);
    await autoAnswer(bob);
    return [alice, bob];
  }
});
