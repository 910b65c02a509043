import { describeRegistryContract } from '@duet/server/signaling/testing';
import { Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { inspectRedis, redisCallRecord, redisClaimant, redisViolations } from '../testing/redis-probes';
import { RedisServer, startRedisServer } from '@duet/testing/processes';
import { RedisCluster } from './redis-cluster';
import { RedisUserRegistry } from './redis-user-registry.service';

let redis: RedisServer;
let probe: Redis;
let tests = 0;

beforeAll(async () => {
  Logger.overrideLogger(['error']);
  redis = await startRedisServer();
  probe = new Redis(redis.url);
});
afterAll(async () => {
  await probe?.quit();
  await redis?.stop();
});

// The same contract as the in-memory registry, against a real redis-server: each test under its own prefix.
describeRegistryContract(RedisUserRegistry.name, async () => {
  tests += 1;
  const prefix = `contract-${tests}:`;
  const registry = new RedisUserRegistry(
    new RedisCluster({ redis: { url: redis.url, keyPrefix: prefix }, heartbeatIntervalMs: 30_000, ringTimeoutMs: 30_000 }),
  );
  await registry.onModuleInit();
  await registry.serving();
  return {
    registry,
    inspect: () => inspectRedis(probe, prefix),
    callRecord: (username) => redisCallRecord(probe, prefix, username),
    claimant: (callId) => redisClaimant(probe, prefix, callId),
    violations: () => redisViolations(probe, prefix),
    close: () => registry.onApplicationShutdown(),
  };
});
