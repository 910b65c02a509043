import { Browser } from 'playwright-core';
import { FirefoxBrowser } from './firefox';
import { Engine, PageDriver, PlaywrightDriver, PuppeteerDriver, within } from './page-driver';
import { CallState } from './duet-user';
import { installTestEar } from './observe';

/** A person using Duet in one engine: what they do and see, in the page's terms, engine-neutral. */
export class Person {
  private readonly consoleLines: string[] = [];

  private constructor(
    readonly name: string,
    readonly driver: PageDriver,
  ) {
    driver.onConsole((line) => this.consoleLines.push(line));
  }

  get engine(): Engine {
    return this.driver.engine;
  }

  /** A Chromium person in their own context (own storage, camera allowed), on a phone-sized screen. */
  static async inChromium(browser: Browser, name: string): Promise<Person> {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'], viewport: { width: 375, height: 740 } });
    return new Person(name, new PlaywrightDriver(await context.newPage()));
  }

  /** A Firefox person in their own user context. The first tab ignores the default viewport: set it. */
  static async inFirefox(browser: FirefoxBrowser, name: string): Promise<Person> {
    // Once, at load 20 on two cores (issue 25's run J), Firefox answered the new tab of a user
    // context it had just made with "no such frame" (DiscardedBrowsingContextError): a harness
    // hiccup before the app is even opened, so that one error gets one more try, in a fresh context.
    // A step Firefox never answers is an error after 20 s (within), and gets that one more try too.
    for (let attempt = 1; ; attempt++) {
      const context = await within(browser.createBrowserContext(), 'make a user context');
      try {
        const page = await within(context.newPage(), 'open a tab');
        await within(page.setViewport({ width: 375, height: 740 }), 'size the tab');
        return new Person(name, new PuppeteerDriver(page, context));
      } catch (error) {
        void within(context.close(), 'close the user context').catch(() => undefined);
        if (attempt >= 2 || !/DiscardedBrowsingContext|no such frame|did not answer/.test(String(error))) throw error;
      }
    }
  }

  /** Opens the app at `url` and logs in; resolves once the app shows the name as the current user. */
  async logIn(url: string): Promise<void> {
    await this.driver.goto(url);
    await this.driver.fill('username-input', this.name);
    await this.driver.click('login-button');
    await this.waitForText('current-user', this.name);
  }

  async callByName(name: string): Promise<void> {
    await this.driver.fill('callee-input', name);
    await this.driver.click('call-button');
  }

  async accept(): Promise<void> {
    await this.driver.click('accept-button');
  }

  async hangUp(): Promise<void> {
    await this.driver.click('hangup-button');
  }

  click(testId: string): Promise<void> {
    return this.driver.click(testId);
  }

  fill(testId: string, text: string): Promise<void> {
    return this.driver.fill(testId, text);
  }

  async waitForStatus(state: CallState, timeoutMs = 20_000): Promise<void> {
    try {
      await this.driver.waitForFunction(
        (expected) => document.querySelector('[data-testid="call-status"]')?.getAttribute('data-state') === expected,
        state,
        timeoutMs,
      );
    } catch (error) {
      const now = await this.attribute('call-status', 'data-state').catch(() => 'unknown');
      throw this.failure(`call-status never became "${state}" (it is "${now}"): ${(error as Error).message}`);
    }
  }

  /** Waits until the element's text contains `text`; returns the whole text. */
  async waitForText(testId: string, text: string, timeoutMs = 15_000): Promise<string> {
    try {
      return await this.driver.waitForFunction(
        ({ selector, text }) => {
          const shown = document.querySelector(selector)?.textContent ?? '';
          return shown.includes(text) ? shown.trim() : false;
        },
        { selector: `[data-testid="${testId}"]`, text },
        timeoutMs,
      );
    } catch (error) {
      const shown = await this.text(testId);
      throw this.failure(`${testId} never said "${text}" (it says "${shown}"): ${(error as Error).message}`);
    }
  }

  /** The element's visible text ('' when it is not there). */
  text(testId: string): Promise<string> {
    return this.driver.evaluate((selector) => document.querySelector(selector)?.textContent?.trim() ?? '', `[data-testid="${testId}"]`);
  }

  attribute(testId: string, name: string): Promise<string | null> {
    return this.driver.evaluate(
      ({ selector, name }) => document.querySelector(selector)?.getAttribute(name) ?? null,
      { selector: `[data-testid="${testId}"]`, name },
    );
  }

  /**
   * Waits until the <video> with this data-testid presents `count` new frames after now, counted
   * with requestVideoFrameCallback (Firefox never counts MediaStream frames in
   * getVideoPlaybackQuality). Returns the picture's size as the element reports it.
   */
  async waitForNewFrames(testId: 'remote-video' | 'local-video', count = 10, timeoutMs = 20_000): Promise<{ width: number; height: number }> {
    try {
      return await this.driver.evaluate(
        ({ selector, count, timeoutMs }) =>
          new Promise<{ width: number; height: number }>((resolve, reject) => {
            const video = document.querySelector<HTMLVideoElement>(selector);
            if (!video) return reject(new Error(`no ${selector}`));
            let seen = 0;
            const timer = setTimeout(() => reject(new Error(`${seen} of ${count} new frames`)), timeoutMs);
            const onFrame = () => {
              seen += 1;
              if (seen < count) return void video.requestVideoFrameCallback(onFrame);
              clearTimeout(timer);
              resolve({ width: video.videoWidth, height: video.videoHeight });
            };
            video.requestVideoFrameCallback(onFrame);
          }),
        { selector: `video[data-testid="${testId}"]`, count, timeoutMs },
      );
    } catch (error) {
      throw this.failure(`${testId} did not play: ${(error as Error).message}`);
    }
  }

  consoleLog(): string {
    return this.consoleLines.join('\n');
  }

  /** An error that carries who, in which engine, and what their page logged. */
  failure(message: string): Error {
    return new Error(`${this.name} (${this.engine}): ${message}\n--- ${this.name}'s console ---\n${this.consoleLog()}`);
  }

  close(): Promise<void> {
    return this.driver.close();
  }

  /** Waits until an element matching the CSS `selector` is in the page (`present`) or gone (!`present`). */
  async waitForElement(selector: string, present = true, timeoutMs = 15_000): Promise<void> {
    try {
      await this.driver.waitForFunction(
        ({ selector, present }) => (document.querySelector(selector) !== null) === present,
        { selector, present },
        timeoutMs,
      );
    } catch (error) {
      throw this.failure(`${selector} was never ${present ? 'there' : 'gone'}: ${(error as Error).message}`);
    }
  }

  /** Before the app opens: saved files go where the test can read them (PageDriver.prepareToSaveFiles). */
  prepareToSaveFiles(): Promise<void> {
    return this.driver.prepareToSaveFiles();
  }

  /** Waits until the file this person saved as `name` is complete (`bytes` long); returns its SHA-256 (hex). */
  async waitForSavedFileSha256(name: string, bytes: number, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const sha256 = await this.driver.savedFileSha256(name, bytes);
      if (sha256 !== null) return sha256;
      if (Date.now() > deadline) throw this.failure(`${name} was never saved completely`);
      // Polling the disk (or the page's storage); a condition, not a sleep for its own sake.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /**
   * Listens to the remote <video>'s sound as a person hears it (observe.ts, installTestEar).
   */
  async startListening(): Promise<void> {
    await this.driver.evaluate(installTestEar, undefined);
  }

  /**
   * Waits until the last `windowMs` of what startListening() hears were all silent (`silent`) or
   * had a clearly audible moment. Chromium's fake microphone beeps in bursts: a window is judged.
   */
  async waitForSound(silent: boolean, windowMs = 1_500, timeoutMs = 15_000): Promise<void> {
    try {
      await this.driver.waitForFunction(
        ({ silent, slices }) => {
          const peaks = window.__testEar?.peaks ?? [];
          if (peaks.length < slices) return false;
          const loudest = Math.max(...peaks.slice(-slices));
          return silent ? loudest < 0.01 : loudest > 0.05;
        },
        { silent, slices: Math.ceil(windowMs / 50) },
        timeoutMs,
        100,
      );
    } catch (error) {
      const recent = await this.driver.evaluate(() => {
        const ear = window.__testEar;
        return `${(ear?.peaks ?? []).slice(-40).map((peak) => peak.toFixed(3)).join(' ')} (audio context ${ear?.state()})`;
      }, undefined);
      throw this.failure(`never ${silent ? 'silent' : 'audible'}; last peaks: ${recent}: ${(error as Error).message}`);
    }
  }

  async stopListening(): Promise<void> {
    await this.driver.evaluate(() => {
      window.__testEar?.stop();
      delete window.__testEar;
    }, undefined);
  }

  /**
   * Waits until the other side's video sends no new frame for `quietMs`: the test's own tiny
   * <video> on the remote stream counts them (the app's element may be hidden behind an initial,
   * where browsers stop presenting frames, which would prove nothing).
   */
  async waitForVideoToStop(quietMs = 2_500, timeoutMs = 15_000): Promise<void> {
    try {
      await this.driver.evaluate(
        ({ quietMs, timeoutMs }) =>
          new Promise<void>((resolve, reject) => {
            const stream = document.querySelector<HTMLVideoElement>('video[data-testid="remote-video"]')?.srcObject;
            if (!(stream instanceof MediaStream)) return reject(new Error('the remote video has no stream'));
            const counter = document.createElement('video');
            counter.muted = true;
            counter.style.cssText = 'position:fixed;left:0;top:0;width:4px;height:4px;pointer-events:none';
            counter.srcObject = new MediaStream(stream.getVideoTracks());
            document.body.append(counter);
            let last = performance.now();
            let frames = 0;
            const done = (error?: Error) => {
              clearInterval(check);
              clearTimeout(limit);
              counter.remove();
              if (error) reject(error);
              else resolve();
            };
            const onFrame = () => {
              frames += 1;
              last = performance.now();
              counter.requestVideoFrameCallback(onFrame);
            };
            counter.requestVideoFrameCallback(onFrame);
            void counter.play();
            const check = setInterval(() => performance.now() - last >= quietMs && done(), 100);
            const limit = setTimeout(() => done(new Error(`still moving: ${frames} frames, the last ${Math.round(performance.now() - last)} ms ago`)), timeoutMs);
          }),
        { quietMs, timeoutMs },
      );
    } catch (error) {
      throw this.failure(`the remote video never stopped: ${(error as Error).message}`);
    }
  }
}

