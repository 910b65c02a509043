import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser } from 'playwright-core';
import { seriousViolations } from './support/axe';
import { launchChromium } from './support/browser';
import { DuetUser } from './support/duet-user';
import { inCall } from './support/in-call';
import { lanAddress } from './support/lan';
import { RunningServer, startServer } from './support/server';

const isSecureContext = (user: DuetUser) => user.page.evaluate(() => window.isSecureContext);

async function startPreview(user: DuetUser): Promise<void> {
  await user.page.getByRole('button', { name: 'Check them' }).click();
}

/** The "not a secure context" banner, which must show before anyone tries a camera or a call. */
function insecureBanner(user: DuetUser) {
  return user.page.getByTestId('insecure-context');
}

async function openChatAndSay(user: DuetUser, text: string): Promise<void> {
  if ((await user.page.getByTestId('chat-input').count()) === 0) await user.page.getByTestId('chat-button').click();
  await user.page.getByTestId('chat-input').fill(text);
  await user.page.locator('[data-testid="chat-send"]:not([disabled])').click();
}

async function shownCode(user: DuetUser): Promise<string> {
  const code = user.page.getByTestId('verification-code');
  await code.waitFor({ timeout: 15_000 });
  return (await code.textContent())?.trim() ?? '';
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

    it('says so on the login page already, before anyone tries a camera or a call', async () => {
      const dave = await DuetUser.open(browser, lanUrl, 'dave-http');
      open.push(dave);
      expect(await isSecureContext(dave)).toBe(false);
      await dave.page.getByTestId('username-input').waitFor();
      const banner = insecureBanner(dave);
      await banner.waitFor();
      const text = (await banner.textContent()) ?? '';
      expect(text).toContain('not a secure context');
      expect(text).toContain('chat, files and the verification code still work');
      expect(text).toContain('npm run start:lan');
      expect(await seriousViolations(dave.page)).toEqual([]);
      // Still there in the lobby, after login.
      await dave.submitLogin(dave.name);
      await dave.page.getByTestId('current-user').waitFor();
      expect(await banner.count()).toBe(1);
    }, 30_000);

    it('two people on plain http: chat crosses both ways with receipts, both see the same code, and the indicator blames no path', async () => {
      const alice = await DuetUser.logIn(browser, lanUrl, 'alice-http2');
      const bob = await DuetUser.logIn(browser, lanUrl, 'bob-http2');
      open.push(alice, bob);
      await alice.callByName(bob.name);
      await bob.accept();
      await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);

      await openChatAndSay(alice, 'hello over http');
      await bob.page.getByTestId('chat-unread').waitFor();
      await openChatAndSay(bob, 'hello back');
      await bob.page.getByTestId('chat-message').filter({ hasText: 'hello over http' }).waitFor();
      await alice.page.getByTestId('chat-message').filter({ hasText: 'hello back' }).waitFor();
      for (const user of [alice, bob]) {
        // The other side confirmed it: a message that did not arrive would say so here.
        await user.page.locator('[data-testid="chat-delivery"][data-delivery="delivered"]').waitFor();
      }

      const [aliceCode, bobCode] = await Promise.all([shownCode(alice), shownCode(bob)]);
      expect(aliceCode).toMatch(/^\d{3} \d{3}$/);
      expect(bobCode).toBe(aliceCode);
      expect(alice.consoleLog()).not.toContain('digest');

      // Neither has a camera or microphone here: the indicator says that, not "nothing is arriving".
      for (const user of [alice, bob]) {
        const indicator = user.page.getByTestId('quality-indicator');
        await indicator.filter({ hasText: 'they send no sound or picture' }).waitFor({ timeout: 15_000 });
        expect(await indicator.getAttribute('data-quality')).not.toBe('poor');
      }
      await alice.hangUp();
    }, 90_000);

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
      // Bob, on a secure page with a camera, is told why nothing comes from Alice.
      await bob.page
        .getByTestId('quality-indicator')
        .filter({ hasText: 'they send no sound or picture' })
        .waitFor({ timeout: 15_000 });
      expect(await insecureBanner(bob).count()).toBe(0);
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
        expect(await insecureBanner(carol).count()).toBe(0);
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
