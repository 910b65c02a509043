import { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { DuetUser } from '../support/duet-user';
import { RunningServer, startServer } from '../support/server';
import { autoAnswer, summarize } from './timing';

const CALLS = 10;

/**
 * Measures, does not judge: the median time from alice pressing Call to her first decoded remote
 * frame, with bob accepting the instant the prompt appears. Timing assertions would only make a
 * noisy machine fail; the figure is logged for the README / issue.
 */
describe('call set-up time (measurement only)', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it(`logs the median click-Call-to-first-remote-frame over ${CALLS} calls`, async () => {
    const alice = await DuetUser.logIn(browser, server.baseUrl, 'alice-timing');
    const bob = await DuetUser.logIn(browser, server.baseUrl, 'bob-timing');
    await autoAnswer(bob);
    const samples: number[] = [];
    for (let call = 0; call < CALLS; call++) {
      // The lobby (and its call box) is gone during a call, so each call types the name again.
      await alice.page.getByTestId('callee-input').fill(bob.name);
      const elapsed = await alice.page.evaluate(() =>
        new Promise<number>((resolve, reject) => {
          const timeout = setTimeout(() => reject(new Error('no remote frame within 15 s')), 15_000);
          const t0 = performance.now();
          document.querySelector<HTMLButtonElement>('[data-testid="call-button"]')?.click();
          const done = () => {
            clearTimeout(timeout);
            resolve(performance.now() - t0);
          };
          // Wait for the remote <video> to exist, then for the first frame painted into it.
          const watch = () => {
            const video = document.querySelector<HTMLVideoElement>('video[data-testid="remote-video"]');
            if (video) video.requestVideoFrameCallback(done);
            else requestAnimationFrame(watch);
          };
          watch();
        }),
      );
      samples.push(elapsed);
      expect((await alice.waitForRemoteVideo()).videoWidth).toBeGreaterThan(0);
      await alice.hangUp();
      await Promise.all([alice.waitForStatus('idle'), bob.waitForStatus('idle')]);
    }

    console.log(`click Call -> first remote frame over ${CALLS} calls: ${summarize(samples)}`);
    expect(samples).toHaveLength(CALLS);
    await alice.close();
    await bob.close();
  }, 120_000);
});
