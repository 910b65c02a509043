import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser } from 'playwright-core';
import { launchChromium } from './support/browser';
import { DuetUser } from './support/duet-user';
import { inCall } from './support/in-call';
import { lanAddress } from './support/lan';
import { RunningServer, startServer } from './support/server';

const isSecureContext = (user: DuetUser) => user.page.evaluate(() => window.isSecureContext);

async function startPreview(user: DuetUser): Promise<void> {
  await user.page.getByRole('button', { name: 'Check them' }).click();
}

/**
 * A second machine of the LAN opens Duet at this machine's network address (never 127.0.0.1, which
 * Chromium treats as secure). Over plain http the page is not a secure context and has no camera:
 * the app must say so and how to fix it. Over https (TLS=self-signed, what `npm run start:lan`
 * does) the same address makes a call over wss://.
 */
describe('calling across a LAN, in real Chromium', () => {
  const ip = lanAddress();
  let browser: Browser;
  const open: DuetUser[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  }, 30_000);

  afterEach(async () => {
    await Promise.all(open.splice(0).map((user) => user.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await browser?.close();
  });

  describe('over plain http', () => {
    let server: RunningServer;
    let lanUrl: string;

    beforeAll(async () => {
      server = await startServer({ host: '0.0.0.0' });
      lanUrl = `http://${ip}:${server.port}`;
    }, 30_000);

    afterAll(async () => {
      await server?.stop();
    });

    it('says the page is not a secure context and how to fix it (not "permission denied"); the call still shows the other side', async () => {
      const alice = await DuetUser.logIn(browser, lanUrl, 'alice-http');
      const bob = await DuetUser.logIn(browser, server.baseUrl, 'bob-http');
      open.push(alice, bob);
      expect(await isSecureContext(alice)).toBe(false);

      await startPreview(alice);
      const message = await alice.errorMessage();
      expect(message).toContain('This page is not a secure context');
      expect(message).toContain('npm run start:lan');
      expect(message).toContain('http://localhost');
      expect(message).not.toMatch(/permission/i);

      await alice.callByName(bob.name);
      await bob.accept();
      await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
      // Alice sends nothing (no devices on an insecure page), but sees and hears Bob.
      expect((await alice.waitForRemoteVideo()).videoWidth).toBeGreaterThan(0);
      expect(await alice.errorMessage()).toContain('You can still see and hear the other side.');
      await alice.hangUp();
    }, 90_000);

    it('shows no such message where the browser treats the address as secure (control case)', async () => {
      const trusting = await launchChromium([`--unsafely-treat-insecure-origin-as-secure=${lanUrl}`]);
      try {
        const carol = await DuetUser.logIn(trusting, lanUrl, 'carol-http');
        expect(await isSecureContext(carol)).toBe(true);
        await startPreview(carol);
        await carol.page.waitForFunction(
          () => (document.querySelector<HTMLVideoElement>('video[data-testid="preview-video"]')?.videoWidth ?? 0) > 0,
          undefined,
          { polling: 50, timeout: 15_000 },
        );
        expect(await carol.page.getByTestId('error-message').count()).toBe(0);
      } finally {
        await trusting.close();
      }
    }, 90_000);
  });

  describe('over https (TLS=self-signed, as npm run start:lan)', () => {
    let server: RunningServer;
    // TLS=self-signed keeps its certificate in <cwd>/.duet/tls: a scratch directory, not the repo.
    const cwd = mkdtempSync(join(tmpdir(), 'duet-lan-'));

    beforeAll(async () => {
      server = await startServer({ host: '0.0.0.0', cwd, env: { TLS: 'self-signed' } });
    }, 30_000);

    afterAll(async () => {
      await server?.stop();
      rmSync(cwd, { recursive: true, force: true });
    });

    it('serves the app at https://<LAN address>, and two people call each other over wss://', async () => {
      const lanUrl = `https://${ip}:${server.port}`;
      // The start-up banner names the address to open on the other machine.
      await server.waitForOutput(lanUrl);
      // The certificate is self-signed: the test accepts it as a person clicks through the warning.
      const [alice, bob] = await inCall(browser, lanUrl, ['alice-tls', 'bob-tls'], { ignoreHTTPSErrors: true });
      open.push(alice, bob);
      for (const user of [alice, bob]) {
        expect(await isSecureContext(user)).toBe(true);
        expect(user.socketUrls).toEqual([`wss://${ip}:${server.port}/ws`]);
      }
      const frames = await Promise.all([alice, bob].map(async (user) => user.waitForFramesBeyond((await user.remoteVideo()).frames)));
      expect(frames.every((count) => count > 0)).toBe(true);
      await alice.hangUp();
      await bob.waitForStatus('idle');
    }, 90_000);
  });
});
