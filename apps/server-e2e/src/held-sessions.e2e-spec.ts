import { ANSWER, OFFER } from './support/call-flow';
import { uniqueName } from './support/names';
import { requireBuiltServer, ServerProcess, startServerProcess } from './support/server-process';
import { TestClient } from './support/test-client';

/** The per-address cap of the probe: small enough to be quick, large enough to show growth. */
const PER_ADDRESS = 48;
const ROUNDS = 3;
/** The address the probe drops from; each round's call partners come from one of their own. */
const DROPPER = '127.0.0.1';
const partnerAddress = (round: number) => `127.0.0.${10 + round}`;
const MiB = 1024 * 1024;

/** A candidate near the protocol's size limit, so a held session's kept messages fill up quickly. */
const bigCandidate = (n: number) => ({ candidate: `candidate:${n} 1 udp 1 192.0.2.1 5000 typ host ${'x'.repeat(960)}`, sdpMid: '0', sdpMLineIndex: 0 });

async function refusedStatus(url: string, localAddress: string): Promise<string> {
  try {
    (await TestClient.connect(url, { localAddress })).close();
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Held (resumable) sessions are bounded like connections (docs/security.md): one address can keep
 * at most `MAX_CONNECTIONS_PER_IP` of them held, beside at most as many live ones. Probed the way an
 * attacker would: open the per-address maximum, drop them all abruptly, open it again, and repeat.
 */
describe('held sessions under a drop-and-reconnect loop from one address', () => {
  let server: (ServerProcess & { port: number }) | undefined;
  const clients: TestClient[] = [];
  beforeAll(requireBuiltServer);
  afterAll(async () => {
    clients.forEach((client) => client.close());
    await server?.stop();
  });

  it('holds at most the per-address cap, ends drops past it at once, refuses connections past the cap, and stays bounded in memory', async () => {
    server = await startServerProcess({
      MAX_CONNECTIONS_PER_IP: String(PER_ADDRESS),
      // Long enough that nothing held expires during the probe.
      RESUME_WINDOW_MS: '120000',
      RATE_LIMIT_PER_SECOND: '1000',
      RATE_LIMIT_BURST: '1000',
    });
    const url = `ws://127.0.0.1:${server.port}/ws`;
    const before = server.rss();
    const heldNames: string[] = [];
    let freedNames: string[] = [];

    for (let round = 0; round < ROUNDS; round++) {
      const names = Array.from({ length: PER_ADDRESS }, () => uniqueName(`held${round}`));
      const partnerNames = names.map(() => uniqueName(`partner${round}`));
      const droppers = await Promise.all(names.map((name) => TestClient.loggedIn(url, name, { localAddress: DROPPER, resume: true })));
      const partners = await Promise.all(partnerNames.map((name) => TestClient.loggedIn(url, name, { localAddress: partnerAddress(round) })));
      clients.push(...droppers, ...partners);
      // The whole per-address cap is live: one more connection from that address is refused.
      expect(await refusedStatus(url, DROPPER)).toMatch(/429/);

      const callIds = await Promise.all(
        partners.map(async (partner, index) => {
          partner.send({ type: 'offer', offer: OFFER, otherUsername: names[index] });
          const { callId } = await partner.next('ringing');
          await droppers[index].next('offer');
          droppers[index].send({ type: 'answer', answer: ANSWER, otherUsername: partnerNames[index], callId });
          await partner.next('answer');
          return callId as string;
        }),
      );
      droppers.forEach((dropper) => dropper.terminate());

      if (round === 0) {
        // Held: every partner hears "reconnecting", then fills what is kept for its peer.
        await Promise.all(partners.map((partner, index) => partner.next('reconnecting', 10_000).then((message) => expect(message['callId']).toBe(callIds[index]))));
        await Promise.all(
          partners.map(async (partner, index) => {
            for (let n = 0; n < 140; n++) partner.send({ type: 'candidate', candidate: bigCandidate(n), otherUsername: names[index], callId: callIds[index] });
            // Past the relay share of what is kept, the partner is told its messages are dropped.
            await partner.nextWhere((message) => message['code'] === 'peer-backlogged', 'peer-backlogged', 10_000);
          }),
        );
        heldNames.push(...names);
      } else {
        // The address already has the cap's worth held: these drops end at once, like a tutorial client's.
        await Promise.all(
          partners.map((partner, index) =>
            partner.next('close', 10_000).then((message) => expect(message).toMatchObject({ reason: 'disconnected', callId: callIds[index] })),
          ),
        );
        expect(partners.some((partner) => partner.log.some((message) => message['type'] === 'reconnecting'))).toBe(false);
        freedNames = names;
      }
    }

    // The first round's names are still held; a later round's are free.
    const probe = await TestClient.connect(url, { localAddress: partnerAddress(ROUNDS) });
    clients.push(probe);
    probe.send({ type: 'login', username: heldNames[0] });
    expect(await probe.next('login')).toMatchObject({ success: false, reason: 'taken' });
    probe.send({ type: 'login', username: freedNames[0] });
    expect(await probe.next('login')).toMatchObject({ success: true });

    const grown = server.rss() - before;
    // The cap's worth of held sessions, each with ~128 KiB kept, plus every round's live partners:
    // a few MiB of data; the rest is the heap's own slack.
    expect(grown).toBeLessThan(96 * MiB);
  }, 120_000);
});
