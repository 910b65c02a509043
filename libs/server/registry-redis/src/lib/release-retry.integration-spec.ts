import { MessageSink } from '@duet/server/signaling';
import { ServerMessage } from '@duet/shared/protocol';
import { Logger } from '@nestjs/common';
import { RedisServer, startRedisServer } from '@duet/testing/processes';
import { RedisCluster } from './redis-cluster';
import { RedisUserRegistry } from './redis-user-registry.service';

class RecordingSink implements MessageSink {
  readonly received: ServerMessage[] = [];
  send(message: ServerMessage): void {
    this.received.push(message);
  }
  relay(message: ServerMessage): boolean {
    this.send(message);
    return true;
  }
}

/** Polls `condition` (nothing pushes what is checked) until it holds, failing after `timeoutMs`. */
async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

let redis: RedisServer;
const registries: RedisUserRegistry[] = [];
let run = 0;

beforeAll(async () => {
  Logger.overrideLogger(['error']);
  redis = await startRedisServer();
});
afterEach(async () => {
  redis.resume();
  for (const registry of registries.splice(0)) await registry.onApplicationShutdown();
});
afterAll(async () => {
  await redis?.stop();
});

/**
 * Two instances on one prefix. A 6 s heartbeat: commands time out after 2 s, and a lease (9 s)
 * outlives the pause below, so nothing but the failed release itself is in play.
 */
async function twoInstances(): Promise<RedisUserRegistry[]> {
  run += 1;
  for (let n = 0; n < 2; n++) {
    const registry = new RedisUserRegistry(
      new RedisCluster({ redis: { url: redis.url, keyPrefix: `retry-${run}:` }, heartbeatIntervalMs: 6_000, ringTimeoutMs: 30_000 }),
    );
    registries.push(registry);
    await registry.onModuleInit();
    await registry.serving();
  }
  return registries.slice(-2);
}

describe('a release Redis did not answer', () => {
  it('is retried until Redis answers again: the name becomes free and the partner is told, without a restart', async () => {
    const [a, b] = await twoInstances();
    const bob = new RecordingSink();
    const alice = new RecordingSink();
    await a.register('bob', bob);
    await b.register('alice', alice);
    const ringing = await b.offer('alice', 'bob');
    if (ringing.outcome !== 'ringing') throw new Error(ringing.outcome);
    expect(await a.accept('bob', 'alice', ringing.callId)).toMatchObject({ outcome: 'accepted' });

    redis.pause();
    // bob's session ends while Redis hangs: the release times out, nothing is known of it.
    expect(await a.unregister('bob', bob)).toBeUndefined();
    expect(a.pendingReleases).toBe(1);
    redis.resume();

    await eventually(async () => (await b.find('bob')) === undefined, 'bob released');
    await eventually(async () => alice.received.some((message) => message.type === 'close'), 'alice told');
    expect(alice.received.filter((message) => message.type === 'close')).toEqual([
      { type: 'close', username: 'bob', reason: 'disconnected', callId: ringing.callId },
    ]);
    expect(await b.callOf('alice')).toBeUndefined();
    expect(await b.register('bob', new RecordingSink())).toBe(true);
    await eventually(async () => a.pendingReleases === 0, 'no retry left');
  });

  it('stops its retries on shutdown, while Redis is still silent', async () => {
    const [a] = await twoInstances();
    const carol = new RecordingSink();
    await a.register('carol', carol);
    redis.pause();
    expect(await a.unregister('carol', carol)).toBeUndefined();
    expect(a.pendingReleases).toBe(1);
    await a.onApplicationShutdown();
    registries.splice(registries.indexOf(a), 1);
    expect(a.pendingReleases).toBe(0);
  });
});
