import { DuetModule, registryInUse, useDuetSignaling } from '@duet/server/app';
import { loadConfig } from '@duet/server/config';
import { RedisUserRegistry } from '@duet/server/registry-redis';
import { UserRegistryService } from '@duet/server/signaling';
import { RedisServer, startRedisServer } from '@duet/testing/processes';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Redis from 'ioredis';
import { AddressInfo } from 'node:net';
import { uniqueName } from './support/names';
import { requireBuiltServer, startServerProcess } from './support/server-process';
import { TestClient } from './support/test-client';

/** Settings naming the test's Redis, as `REDIS_URL` would. */
const redisSettings = (redis: RedisServer, prefix: string) => loadConfig({ PORT: '0', HOST: '127.0.0.1', REDIS_URL: redis.url, REDIS_KEY_PREFIX: prefix });

describe('settings that name a Redis', () => {
  let redis: RedisServer;
  let probe: Redis;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    redis = await startRedisServer();
    probe = new Redis(redis.url);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await probe?.quit();
    await redis?.stop();
  });

  it('are applied by DuetModule.forRoot in an application of your own: logins land in Redis', async () => {
    const config = redisSettings(redis, 'embed-sync:');
    @Module({ imports: [DuetModule.forRoot({ config })] })
    class EmbeddingModule {}
    app = await NestFactory.create(EmbeddingModule, { logger: ['error'] });
    useDuetSignaling(app);
    await app.listen(0, '127.0.0.1');
    expect(registryInUse(app)).toBe('redis');
    await (app.get(UserRegistryService) as RedisUserRegistry).serving();
    const { port } = app.getHttpServer().address() as AddressInfo;
    const name = uniqueName('embedded');
    const client = await TestClient.loggedIn(`ws://127.0.0.1:${port}/ws`, name);
    expect(await probe.hget(`embed-sync:u:${name}`, 'name')).toBe(name);
    client.close();
  });

  it('are refused by DuetModule.forRootAsync without the Redis registry, with a message that says what to pass', async () => {
    const config = redisSettings(redis, 'embed-async:');
    @Module({ imports: [DuetModule.forRootAsync({ useFactory: () => config })] })
    class EmbeddingModule {}
    await expect(NestFactory.create(EmbeddingModule, { logger: false, abortOnError: false })).rejects.toThrow(
      /DuetModule\.forRootAsync: the settings name a Redis \(config\.redis\), but no registry was passed.*registry: RedisUserRegistry/,
    );
  });

  it('are named on the standalone server\'s settings line: "registry redis"', async () => {
    requireBuiltServer();
    const server = await startServerProcess({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'embed-main:', LOG_FORMAT: 'json' });
    try {
      const settings = server
        .output()
        .trim()
        .split('\n')
        // JSON lines only: a missing web build is reported through Nest's logger before pino takes over.
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg: string })
        .filter((line) => line.msg.startsWith('settings: '));
      expect(settings).toHaveLength(1);
      expect(settings[0].msg).toContain(' · registry redis · ');
    } finally {
      await server.stop();
    }
  });
});
