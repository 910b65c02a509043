import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page as PlaywrightPage } from 'playwright-core';
import type * as PuppeteerModule from 'puppeteer-core';

export type Engine = 'chromium' | 'firefox';

/**
 * One page of one browser, whatever drives it: Playwright for Chromium, puppeteer-core over
 * WebDriver BiDi for Firefox. Only what a cross-browser test needs, so each engine's quirks stay here.
 */
export interface PageDriver {
  readonly engine: Engine;
  goto(url: string): Promise<void>;
  /** Runs `script` in every document of this page before the app's own scripts (a test's probe). */
  addInitScript(script: () => void): Promise<void>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Resolves with `fn`'s first truthy result, polled every `pollMs`. */
  waitForFunction<R, A>(fn: (arg: A) => R | false | null | undefined, arg: A, timeoutMs: number, pollMs?: number): Promise<R>;
  /** Types into the element with this data-testid (replacing what was there). */
  fill(testId: string, text: string): Promise<void>;
  /** Clicks it as a person would: visible, enabled, and the element at its own centre (nothing over it). */
  click(testId: string): Promise<void>;
  /** Chooses files in the file input with this data-testid (what a person's file picker does). */
  setInputFiles(testId: string, paths: string[]): Promise<void>;
  screenshot(path: string): Promise<void>;
  onConsole(listener: (line: string) => void): void;
  close(): Promise<void>;
  /**
   * Before the app opens: received files go where the test can read them, the way this browser
   * saves them (Chromium: the save dialog, answered with a file; Firefox: its downloads folder).
   */
  prepareToSaveFiles(): Promise<void>;
  /** The SHA-256 (hex) of the saved file called `name`, or null while it is not complete (`bytes` long) there. */
  savedFileSha256(name: string, bytes: number): Promise<string | null>;
}

/**
 * Runs IN THE PAGE: the SHA-256 of a file in the origin's private file system (where a Chromium
 * test's stand-in save dialog puts what a person saves), or null when there is none (or it is not
 * `bytes` long, when given).
 */
export async function privateFileSha256({ name, bytes }: { name: string; bytes?: number }): Promise<string | null> {
  try {
    const file = await (await (await navigator.storage.getDirectory()).getFileHandle(name)).getFile();
    if (bytes !== undefined && file.size !== bytes) return null;
    const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
  } catch {
    return null;
  }
}

const byTestId = (testId: string) => `[data-testid="${testId}"]`;

/**
 * Waits until the element is shown, enabled and is what a person's pointer would hit at its centre.
 * Puppeteer's click does not check what covers its target, so both drivers check it here, alike.
 */
function waitUntilClickable(driver: Pick<PageDriver, 'waitForFunction'>, testId: string, timeoutMs: number): Promise<true> {
  return driver.waitForFunction(
    (selector) => {
      const element = document.querySelector<HTMLElement>(selector);
      if (!element || !element.checkVisibility() || (element as HTMLButtonElement).disabled) return false;
      element.scrollIntoView({ block: 'nearest', inline: 'nearest' });
      const box = element.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return hit !== null && (hit === element || element.contains(hit));
    },
    byTestId(testId),
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${testId} was never clickable (missing, hidden, disabled or covered): ${error.message}`);
  }) as Promise<true>;
}

export class PlaywrightDriver implements PageDriver {
  readonly engine = 'chromium';

  constructor(readonly page: PlaywrightPage) {}

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
  }

  async addInitScript(script: () => void): Promise<void> {
    await this.page.addInitScript(script);
  }

  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    return this.page.evaluate(fn as never, arg) as Promise<R>;
  }

  async waitForFunction<R, A>(fn: (arg: A) => R | false | null | undefined, arg: A, timeoutMs: number, pollMs = 50): Promise<R> {
    const handle = await this.page.waitForFunction(fn as never, arg, { timeout: timeoutMs, polling: pollMs });
    return (await handle.jsonValue()) as R;
  }

  fill(testId: string, text: string): Promise<void> {
    return this.page.locator(byTestId(testId)).fill(text);
  }

  async click(testId: string): Promise<void> {
    await waitUntilClickable(this, testId, 15_000);
    await this.page.locator(byTestId(testId)).click();
  }

  setInputFiles(testId: string, paths: string[]): Promise<void> {
    return this.page.locator(byTestId(testId)).setInputFiles(paths);
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path });
  }

  onConsole(listener: (line: string) => void): void {
    this.page.on('console', (message) => listener(`[${message.type()}] ${message.text()}`));
  }

  close(): Promise<void> {
    return this.page.context().close();
  }

  async prepareToSaveFiles(): Promise<void> {
    // Headless Chromium cannot show the save dialog (it answers AbortError, as a cancel). The person
    // answers it with a file in the origin's private file system: a real FileSystemFileHandle that
    // the app writes through createWritable() as it would any file a person picked.
    await this.page.addInitScript(() => {
      (window as { showSaveFilePicker?: unknown }).showSaveFilePicker = async ({ suggestedName }: { suggestedName: string }) =>
        (await navigator.storage.getDirectory()).getFileHandle(suggestedName, { create: true });
    });
  }

  savedFileSha256(name: string, bytes: number): Promise<string | null> {
    return this.page.evaluate(privateFileSha256, { name, bytes });
  }
}

/**
 * `fn(arg)` as source text. Puppeteer was loaded outside Jest's sandbox (support/firefox.ts), and
 * its BiDi serializer refuses the sandbox's objects as "custom objects": so the argument travels as
 * JSON inside the expression, which is what serialization amounts to anyway.
 */
function call<A>(fn: (arg: A) => unknown, arg: A): string {
  return `(${fn.toString()})(${JSON.stringify(arg) ?? 'undefined'})`;
}

export class PuppeteerDriver implements PageDriver {
  readonly engine = 'firefox';

  constructor(
    readonly page: PuppeteerModule.Page,
    private readonly context: PuppeteerModule.BrowserContext,
  ) {}

  async goto(url: string): Promise<void> {
    await this.page.goto(url);
  }

  async addInitScript(script: () => void): Promise<void> {
    await this.page.evaluateOnNewDocument(script);
  }

  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
    // A minute: some scripts wait in the page, up to their own 30 s.
    return within(this.page.evaluate(call(fn, arg)) as Promise<R>, `evaluate ${fn.name || 'a function'}`, 60_000);
  }

  async waitForFunction<R, A>(fn: (arg: A) => R | false | null | undefined, arg: A, timeoutMs: number, pollMs = 50): Promise<R> {
    const handle = await this.page.waitForFunction(call(fn, arg), { timeout: timeoutMs, polling: pollMs });
    return (await handle.jsonValue()) as R;
  }

  async fill(testId: string, text: string): Promise<void> {
    await this.page.locator(byTestId(testId)).fill(text);
  }

  async click(testId: string): Promise<void> {
    await waitUntilClickable(this, testId, 15_000);
    await this.page.locator(byTestId(testId)).click();
  }

  async setInputFiles(testId: string, paths: string[]): Promise<void> {
    const input = await this.page.waitForSelector(byTestId(testId));
    if (!input) throw new Error(`no ${testId}`);
    await (input as PuppeteerModule.ElementHandle<HTMLInputElement>).uploadFile(...paths);
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path: path as `${string}.png` });
  }

  onConsole(listener: (line: string) => void): void {
    this.page.on('console', (message) => listener(`[${message.type()}] ${message.text()}`));
  }

  async close(): Promise<void> {
    await this.context.close();
    if (this.downloads) rmSync(this.downloads, { recursive: true, force: true });
  }

  private downloads: string | null = null;

  /**
   * Firefox has no save dialog for the app to open: its service worker streams the file into a
   * download (duet-download-sw.js). Downloads of this person's user context go to a fresh folder.
   */
  async prepareToSaveFiles(): Promise<void> {
    const folder = (this.downloads ??= mkdtempSync(join(tmpdir(), 'duet-firefox-downloads-')));
    // Puppeteer sets download behaviour only when it creates a context: send BiDi's own command.
    const { userContext } = this.context as unknown as BidiContext;
    await userContext.browser.setDownloadBehavior({ policy: 'allow', downloadPath: folder }, [userContext.id]);
  }

  async savedFileSha256(name: string, bytes: number): Promise<string | null> {
    if (!this.downloads) throw new Error('prepareToSaveFiles() was not called');
    const path = join(this.downloads, name);
    // Firefox writes `<name>.part` and renames it to `<name>` once the download completed; it may
    // create `<name>` empty before the `.part` file (seen in CI: an empty file, and no `.part` yet).
    if (!existsSync(path) || existsSync(`${path}.part`) || statSync(path).size !== bytes) return null;
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  }
}

/** What puppeteer-core's BiDi BrowserContext holds (not in its public types). */
interface BidiContext {
  userContext: {
    id: string;
    browser: { setDownloadBehavior(behavior: { policy: 'allow'; downloadPath: string }, userContexts: string[]): Promise<void> };
  };
}

/**
 * `step`, or an error naming it once Firefox has not answered it for `ms` (puppeteer bounds few of
 * its calls; a step never answered would otherwise hold a test until its own limit, saying nothing).
 */
export function within<T>(step: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Firefox did not answer within ${ms / 1_000} s: ${what}`)), ms);
  });
  return Promise.race([step, timeout]).finally(() => clearTimeout(timer));
}
