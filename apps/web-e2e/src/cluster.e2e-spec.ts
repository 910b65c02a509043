import { RedisServer, startRedisServer } from '@duet/testing/processes';
import { Browser } from 'playwright-core';
import { launchChromium } from './support/browser';
import { DuetUser } from './support/duet-user';
import { RunningServer, startServer } from './support/server';

/** Two instances of the real server sharing a real redis-server, as `npm run start:cluster` runs them. */
describe('a call across two instances in real Chromium', () => {
  let redis: RedisServer;
  const servers: RunningServer[] = [];
  let browser: Browser;
  const open: DuetUser[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    for (let n = 0; n < 2; n++) servers.push(await startServer({ env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `web-e2e-${process.pid}:` } }));
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(open.splice(0).map((user) => user.close().catch(() => undefined)));
    await browser?.close();
    await Promise.all(servers.map((server) => server.stop()));
    await redis?.stop();
  });

  it('alice finds bob (on the other instance) by searching, calls him, both decode real video, and hang-up returns both to idle', async () => {
    const alice = await DuetUser.logIn(browser, servers[0].baseUrl, 'alice-across');
    const bob = await DuetUser.logIn(browser, servers[1].baseUrl, 'bob-across');
    open.push(alice, bob);

    await alice.searchFor('BOB-');
    await alice.waitForUserListed(bob.name);
    await alice.callFromList(bob.name);
    await bob.waitForStatus('ringing');
    await bob.accept();
    try {
      await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- alice ---\n${alice.consoleLog()}\n--- bob ---\n${bob.consoleLog()}`);
    }
    for (const user of [alice, bob]) {
      const remote = await user.waitForRemoteVideo();
      expect(remote.videoWidth).toBeGreaterThan(0);
      expect(remote.frames).toBeGreaterThan(0);
    }
    await bob.hangUp();
    await Promise.all([alice.waitForStatus('idle'), bob.waitForStatus('idle')]);
    expect(await alice.statusHistory()).toEqual(['idle', 'calling', 'connecting', 'connected', 'ended', 'idle']);
    expect(await alice.errorMessage()).toBe(`${bob.name} hung up.`);
  }, 60_000);
});
