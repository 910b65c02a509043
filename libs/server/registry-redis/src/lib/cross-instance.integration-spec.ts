import { Departures, MessageSink, OnlineUser } from '@duet/server/signaling';
import { ServerMessage } from '@duet/shared/protocol';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { RedisServer, startRedisServer } from '@duet/testing/processes';
import { RedisCluster } from './redis-cluster';
import { RedisRingTimer } from './redis-ring-timer';
import { RedisUserRegistry } from './redis-user-registry.service';

/** A sink that records what reaches it, and can play a recipient too far behind to take more. */
class RecordingSink implements MessageSink {
  readonly received: ServerMessage[] = [];
  private waiters: (() => void)[] = [];
  refuseRelays = false;

  send(message: ServerMessage): void {
    this.received.push(message);
    this.waiters.splice(0).forEach((wake) => wake());
  }

  relay(message: ServerMessage): boolean {
    if (this.refuseRelays) return false;
    this.send(message);
    return true;
  }

  /** Resolves with the first message received that `matches` (waiting for it; fails after 3 s). */
  async next(matches: (message: ServerMessage) => boolean): Promise<ServerMessage> {
    const deadline = Date.now() + 3_000;
    for (;;) {
      const found = this.received.find(matches);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`not received; got ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

interface Instance {
  readonly registry: RedisUserRegistry;
  readonly rings: RedisRingTimer;
  readonly expired: string[];
  readonly departures: { left: string[]; peerLost: [string, string, string][] };
}

let redis: RedisServer;
let probe: Redis;
let run = 0;
const started: Instance[] = [];

beforeAll(async () => {
  Logger.overrideLogger(['error']);
  redis = await startRedisServer();
  probe = new Redis(redis.url);
});
afterAll(async () => {
  await probe?.quit();
  await redis?.stop();
});
afterEach(async () => {
  for (const instance of started.splice(0)) {
    instance.rings.onModuleDestroy();
    await instance.registry.onApplicationShutdown();
  }
});

/** `count` instances sharing one fresh prefix, as a cluster behind a load balancer would. */
async function cluster(count: number, { ringTimeoutMs = 30_000, heartbeatIntervalMs = 30_000 } = {}): Promise<Instance[]> {
  run += 1;
  const instances: Instance[] = [];
  for (let n = 0; n < count; n++) {
    const redisCluster = new RedisCluster({ redis: { url: redis.url, keyPrefix: `cross-${run}:` }, heartbeatIntervalMs, ringTimeoutMs });
    const registry = new RedisUserRegistry(redisCluster);
    const rings = new RedisRingTimer(redisCluster);
    const instance: Instance = { registry, rings, expired: [], departures: { left: [], peerLost: [] } };
    const departures: Departures = {
      left: (username) => instance.departures.left.push(username),
      peerLost: (user: OnlineUser, peer, callId) => instance.departures.peerLost.push([user.username, peer, callId]),
    };
    registry.onDeparture(departures);
    rings.onExpiry(async (callId) => {
      instance.expired.push(callId);
      await registry.expire(callId);
    });
    await registry.onModuleInit();
    rings.onModuleInit();
    await registry.serving();
    instances.push(instance);
    started.push(instance);
  }
  return instances;
}

describe('RedisUserRegistry across instances', () => {
  it('gives one name to exactly one of 20 simultaneous claims spread over three instances', async () => {
    const instances = await cluster(3);
    const sinks = Array.from({ length: 20 }, () => new RecordingSink());
    const results = await Promise.all(sinks.map((sink, n) => instances[n % 3].registry.register(n % 2 ? 'Zed' : 'zed', sink)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const winner = sinks[results.indexOf(true)];
    // Every instance finds the one holder; the instance that holds it, by its very session.
    const owner = instances[results.indexOf(true) % 3];
    expect((await owner.registry.find('ZED'))?.sink).toBe(winner);
    for (const instance of instances) expect((await instance.registry.find('zed'))?.username).toBe(results.indexOf(true) % 2 ? 'Zed' : 'zed');
  });

  it('relays a call between instances in order, with the answers a single instance gives', async () => {
    const [a, b] = await cluster(2);
    const alice = new RecordingSink();
    const bob = new RecordingSink();
    await a.registry.register('alice', alice);
    await b.registry.register('bob', bob);
    expect(await a.registry.offer('alice', 'carol')).toEqual({ outcome: 'callee-offline' });
    const ringing = await a.registry.offer('alice', 'bob');
    if (ringing.outcome !== 'ringing') throw new Error(ringing.outcome);
    const { callId } = ringing;
    ringing.callee.sink.relay({ type: 'offer', offer: { type: 'offer', sdp: 'v=0' }, username: 'alice', callId });
    await bob.next((message) => message.type === 'offer');

    // bob's instance learned of the call from a's script: bob's candidates pass its cache.
    const back = await b.registry.partnerInCall('bob', 'alice', callId);
    expect(back).toMatchObject({ outcome: 'in-call', callId, peer: { username: 'alice' } });
    expect(await b.registry.offer('bob', 'carol')).toEqual({ outcome: 'caller-busy' });
    expect(await b.registry.accept('bob', 'alice', callId)).toMatchObject({ outcome: 'accepted', callId });

    const toBob = await a.registry.partnerInCall('alice', 'bob', callId);
    if (toBob.outcome !== 'in-call') throw new Error(toBob.outcome);
    for (let n = 1; n <= 50; n++) {
      toBob.peer.sink.relay({ type: 'candidate', candidate: { candidate: `c${n}` }, username: 'alice', callId });
    }
    await bob.next((message) => message.type === 'candidate' && message.candidate.candidate === 'c50');
    const order = bob.received.filter((message) => message.type === 'candidate').map((message) => message.type === 'candidate' && message.candidate.candidate);
    expect(order).toEqual(Array.from({ length: 50 }, (_, n) => `c${n + 1}`));

    expect(await b.registry.hangUp('bob', 'alice', callId)).toEqual({ outcome: 'ended', callId, peer: 'alice' });
    // a's cache followed: a stale candidate is refused where it starts.
    const deadline = Date.now() + 3_000;
    while ((await a.registry.partnerInCall('alice', 'bob')).outcome !== 'not-in-call' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await a.registry.partnerInCall('alice', 'bob', callId)).toEqual({ outcome: 'stale' });
  });

  it("tells the sender when the recipient's instance refuses a relay for its backlog", async () => {
    const [a, b] = await cluster(2);
    const alice = new RecordingSink();
    const bob = new RecordingSink();
    await a.registry.register('alice', alice);
    await b.registry.register('bob', bob);
    const ringing = await a.registry.offer('alice', 'bob');
    if (ringing.outcome !== 'ringing') throw new Error(ringing.outcome);
    bob.refuseRelays = true;
    ringing.callee.sink.relay({ type: 'offer', offer: { type: 'offer', sdp: 'v=0' }, username: 'alice', callId: ringing.callId });
    expect(await alice.next((message) => message.type === 'error')).toEqual({
      type: 'error',
      code: 'peer-backlogged',
      message: 'the other side is not keeping up; this message was dropped',
      replyTo: 'offer',
    });
    expect(bob.received).toEqual([]);
  });

  it('searches and lists everyone online, whichever instance they are on', async () => {
    const instances = await cluster(3);
    const names = ['ann', 'Anna', 'anne', 'bert', 'annika', 'Andy'];
    for (const [n, name] of names.entries()) await instances[n % 3].registry.register(name, new RecordingSink());
    for (const instance of instances) {
      expect(await instance.registry.search('AN', 3)).toEqual({ users: ['Andy', 'ann', 'Anna'], more: true });
      expect(await instance.registry.search('ann', 10)).toEqual({ users: ['ann', 'Anna', 'anne', 'annika'], more: false });
      const page = await instance.registry.online(4);
      expect(page.total).toBe(6);
      expect(page.users.map((user) => user.username)).toEqual(names.slice(0, 4));
    }
  });

  it('fires a ring timeout once for the cluster, on whichever instance sweeps it first', async () => {
    const instances = await cluster(3, { ringTimeoutMs: 300 });
    const sinks = [new RecordingSink(), new RecordingSink()];
    await instances[0].registry.register('caller', sinks[0]);
    await instances[1].registry.register('callee', sinks[1]);
    const ringing = await instances[0].registry.offer('caller', 'callee');
    if (ringing.outcome !== 'ringing') throw new Error(ringing.outcome);
    // Fired and done: the call is gone and so is its entry, so no sweep anywhere can fire it again.
    const deadline = Date.now() + 5_000;
    while (((await instances[2].registry.callOf('callee')) || (await probe.zscore(`cross-${run}:rings`, ringing.callId))) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await probe.zscore(`cross-${run}:rings`, ringing.callId)).toBeNull();
    expect(instances.flatMap((instance) => instance.expired)).toEqual([ringing.callId]);
  });
});
