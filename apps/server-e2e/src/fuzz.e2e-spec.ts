import fc from 'fast-check';
import { completeCall } from './support/call-flow';
import { Received, TestClient } from './support/test-client';
import { startTestServer, TestServer } from './support/test-server';

/**
 * Property: whatever a handful of clients send, in whatever order, the server stays up, answers
 * each frame with at most one reply, keeps its registry and call table consistent, and still
 * completes a fresh call. Frames are random, mutated from valid messages, or valid with random
 * targets (so calls really start, get answered, hijacked, declined and closed).
 */
const NAMES = ['fuzz-a', 'fuzz-b', 'fuzz-c', 'fuzz-d'];
const LATECOMER = 'fuzz-e';
const PROBE = 'sync-probe-7f3a';

const target = fc.oneof(
  fc.constantFrom(...NAMES, LATECOMER),
  fc.constantFrom('FUZZ-A', 'nobody', '__proto__', 'constructor', ''),
  fc.string({ maxLength: 40 }),
);
const sdp = (type: 'offer' | 'answer') => fc.record({ type: fc.constant(type), sdp: fc.string({ maxLength: 200 }) });
const iceCandidate = fc.record(
  {
    candidate: fc.string({ maxLength: 100 }),
    sdpMid: fc.option(fc.string({ maxLength: 4 })),
    sdpMLineIndex: fc.option(fc.integer({ min: -2, max: 3 })),
  },
  { requiredKeys: ['candidate'] },
);
const validMessage = fc.oneof(
  fc.record({ type: fc.constant('login'), username: fc.oneof(fc.constantFrom(...NAMES, LATECOMER), fc.string({ maxLength: 40 })) }),
  fc.record({ type: fc.constant('offer'), offer: sdp('offer'), otherUsername: target }),
  fc.record({ type: fc.constant('answer'), answer: sdp('answer'), otherUsername: target }),
  fc.record({ type: fc.constant('candidate'), candidate: iceCandidate, otherUsername: target }),
  fc.record({ type: fc.constant('close'), otherUsername: target }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('decline'), otherUsername: target, reason: fc.constantFrom('declined', 'busy', 'nope') }, { requiredKeys: ['type', 'otherUsername'] }),
);
const mutated = fc
  .tuple(validMessage, fc.constantFrom('drop', 'replace', 'retype', 'pollute'), fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 12 }))
  .map(([message, how, value, text]) => {
    const copy: Record<string, unknown> = { ...message };
    const keys = Object.keys(copy);
    const key = keys[text.length % keys.length];
    if (how === 'drop') delete copy[key];
    if (how === 'replace') copy[key] = value;
    if (how === 'retype') copy['type'] = text;
    if (how === 'pollute') return `{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},${JSON.stringify(copy).slice(1)}`;
    return JSON.stringify(copy);
  });
const frame: fc.Arbitrary<string | Buffer> = fc.oneof(
  { weight: 5, arbitrary: validMessage.map((message) => JSON.stringify(message)) },
  { weight: 3, arbitrary: mutated },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 16 }).map((bytes) => Buffer.from(bytes)) },
);
const step = fc.record({ sender: fc.nat({ max: NAMES.length }), frame });

describe('fuzz: random and mutated frames from several connections', () => {
  let server: TestServer;
  let clients: TestClient[];
  let framesSent = 0;

  beforeAll(async () => {
    server = await startTestServer({
      // The fuzz exercises handlers, not the limiter, and must not race the ring timer.
      limits: { messagesPerSecond: 1_000_000, messageBurst: 1_000_000, ringTimeoutMs: 600_000 },
    });
    clients = [
      ...(await Promise.all(NAMES.map((name) => TestClient.loggedIn(server.wsUrl, name)))),
      await TestClient.connect(server.wsUrl), // not logged in yet: `login` frames can succeed on it
    ];
  });
  afterAll(async () => {
    clients.forEach((client) => client.close());
    await server.close();
  });

  /** Waits until the server has handled everything sent so far, on every connection. */
  async function settle(): Promise<void> {
    await Promise.all(
      clients.map(async (client) => {
        const seen = client.log.length;
        client.send({ type: PROBE });
        await client.loggedSince(seen, isProbeReply, 10_000).catch(() => {
          throw new Error('the server stopped answering');
        });
      }),
    );
  }

  it('keeps the server up, one reply per frame at most, the registry consistent, and calls working', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 60, maxLength: 120 }), async (steps) => {
        for (const { sender, frame } of steps) {
          const client = clients[sender];
          const before = client.log.length;
          client.send(frame);
          framesSent += 1;
          await settle();
          const replies = client.log.slice(before).filter((m) => !isProbeReply(m) && m['type'] !== 'users');
          if (replies.length > 1) throw new Error(`${replies.length} replies to ${String(frame)}: ${JSON.stringify(replies)}`);
          const broken = server.registry.violations();
          if (broken.length > 0) throw new Error(`after ${String(frame)}: ${broken.join('; ')}`);
        }
        return clients.every((client) => client.isOpen);
      }),
      { numRuns: 30, seed: Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31) },
    );
    expect(framesSent).toBeGreaterThan(1_500);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();

    const alice = await TestClient.loggedIn(server.wsUrl, 'after-fuzz-alice');
    const bob = await TestClient.loggedIn(server.wsUrl, 'after-fuzz-bob');
    await completeCall(alice, 'after-fuzz-alice', bob, 'after-fuzz-bob');
    alice.close();
    bob.close();
    console.info(`fuzz: ${framesSent} frames over ${clients.length} connections; no finding`);
  }, 240_000);
});

function isProbeReply(message: Received): boolean {
  return message['type'] === 'error' && message['replyTo'] === PROBE;
}
