import { Logger } from '@nestjs/common';
import { RedisServer, startRedisServer } from '@duet/testing/processes';
import { RedisCluster } from './redis-cluster';
import { RedisInviteRevocations } from './redis-invite-revocations';

let redis: RedisServer;
const clusters: RedisCluster[] = [];

beforeAll(async () => {
  Logger.overrideLogger(['error']);
  redis = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(clusters.splice(0).map((cluster) => cluster.link.close()));
  await redis?.stop();
});

/** One instance's revocations under `keyPrefix`, once its link is up (subscribed). */
async function instance(keyPrefix: string): Promise<{ revocations: RedisInviteRevocations; heard: string[] }> {
  const cluster = new RedisCluster({ redis: { url: redis.url, keyPrefix }, heartbeatIntervalMs: 30_000, ringTimeoutMs: 30_000 });
  clusters.push(cluster);
  const revocations = new RedisInviteRevocations(cluster);
  const heard: string[] = [];
  revocations.subscribe((inviteId) => heard.push(inviteId));
  const up = new Promise<void>((resolve) => cluster.link.onUp(resolve));
  cluster.link.start();
  await up;
  return { revocations, heard };
}

/** Resolves once `heard` holds `count` ids (fails after 3 s). */
async function heardCount(heard: string[], count: number): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (heard.length < count) {
    if (Date.now() > deadline) throw new Error(`heard ${JSON.stringify(heard)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe(RedisInviteRevocations.name, () => {
  it('tells every instance of the cluster (the publisher too) of a revoked invite, and no other cluster', async () => {
    const [one, two, elsewhere] = [await instance('rev-a:'), await instance('rev-a:'), await instance('rev-b:')];
    await one.revocations.publish('invite-1');
    await two.revocations.publish('invite-2');
    await Promise.all([heardCount(one.heard, 2), heardCount(two.heard, 2)]);
    expect(one.heard).toEqual(['invite-1', 'invite-2']);
    expect(two.heard).toEqual(['invite-1', 'invite-2']);
    // Another prefix is another cluster: published to it after, so heard by now if it were to be.
    await elsewhere.revocations.publish('invite-3');
    await heardCount(elsewhere.heard, 1);
    expect(elsewhere.heard).toEqual(['invite-3']);
    expect(one.heard).toEqual(['invite-1', 'invite-2']);
  });
});
