import { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';

/** A browser context for one person, plus test-only scripts that run in its pages before the app does. */
export interface UserOptions extends BrowserContextOptions {
  initScripts?: (() => void)[];
  /** Runs on the page before it first navigates (e.g. Playwright's fake clock). */
  beforeLoad?: (page: Page) => Promise<void>;
}

export type CallState = 'idle' | 'calling' | 'ringing' | 'connecting' | 'connected' | 'reconnecting' | 'ended';

/** What a person sees of the other side's video: its size, and how many frames the element has shown. */
export interface RemoteVideo {
  videoWidth: number;
  videoHeight: number;
  /** `getVideoPlaybackQuality().totalVideoFrames` of the remote <video>. */
  frames: number;
}

declare global {
  interface Window {
    __statusLog?: string[];
  }
}

/** One person in their own browser context (own camera permission, own storage), on a phone-sized screen. */
export class DuetUser {
  /** The page's console, kept so a failure can show what the app logged (state moves, negotiation). */
  private readonly consoleLines: string[] = [];
  /** What any page's Content Security Policy blocked since the last check (support/no-csp-violations.ts). */
  static readonly cspViolations: string[] = [];
  /** The URL of every WebSocket the page opened (ws:// or wss://). */
  readonly socketUrls: string[] = [];
  /** The `type` of every signaling frame the page sent, watched from outside the page. */
  readonly sentTypes: string[] = [];
  /** Every signaling message the page sent (parsed), watched from outside the page. */
  readonly sent: Record<string, unknown>[] = [];
  /** Every signaling message the page received, with when (epoch ms), watched from outside the page. */
  readonly received: { at: number; message: Record<string, unknown> }[] = [];
  private readonly receivedListeners = new Set<() => void>();

  private constructor(
    readonly name: string,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (message) => {
      this.consoleLines.push(`[${message.type()}] ${message.text()}`);
      // Chromium reports every CSP violation on the console: the server's policy must fit the app.
      if (message.text().includes('Content Security Policy')) DuetUser.cspViolations.push(`${name}: ${message.text()}`);
    });
    page.on('websocket', (socket) => {
      this.socketUrls.push(socket.url());
      socket.on('framesent', ({ payload }) => {
        if (typeof payload !== 'string') return;
        try {
          const message = JSON.parse(payload);
          this.sent.push(message);
          this.sentTypes.push(String(message.type));
        } catch {
          this.sentTypes.push('(not JSON)');
        }
      });
      socket.on('framereceived', ({ payload }) => {
        if (typeof payload !== 'string') return;
        try {
          this.received.push({ at: Date.now(), message: JSON.parse(payload) });
          this.receivedListeners.forEach((listener) => listener());
        } catch {
          // Not ours to judge here; the app drops it.
        }
      });
    });
  }

  /** How many offers this page has sent: a device switch or screen share must not add one. */
  offersSent(): number {
    return this.sentTypes.filter((type) => type === 'offer').length;
  }

  /** Waits until the page has received a signaling message that `matches`; returns when it arrived. */
  waitForReceived(matches: (message: Record<string, unknown>) => boolean, timeoutMs = 30_000): Promise<number> {
    const find = () => this.received.find(({ message }) => matches(message))?.at;
    const already = find();
    if (already !== undefined) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const listener = () => {
        const at = find();
        if (at === undefined) return;
        clearTimeout(timer);
        this.receivedListeners.delete(listener);
        resolve(at);
      };
      const timer = setTimeout(() => {
        this.receivedListeners.delete(listener);
        const types = this.received.map(({ message }) => message['type']).join(', ');
        reject(new Error(`${this.name}: no such signaling message within ${timeoutMs} ms; received: ${types}\n${this.consoleLog()}`));
      }, timeoutMs);
      this.receivedListeners.add(listener);
    });
  }

  /** Waits until the remote <video> has shown more than `frames` frames: the picture moves. */
  async waitForFramesBeyond(frames: number, timeoutMs = 15_000): Promise<number> {
    try {
      const handle = await this.page.waitForFunction(
        (after) => {
          const shown = document.querySelector<HTMLVideoElement>('video[data-testid="remote-video"]')?.getVideoPlaybackQuality().totalVideoFrames ?? 0;
          return shown > after ? shown : false;
        },
        frames,
        { timeout: timeoutMs, polling: 50 },
      );
      return (await handle.jsonValue()) as number;
    } catch (error) {
      throw new Error(`${this.name}: the remote video stopped at ${frames} frames (${(error as Error).message})\n${this.consoleLog()}`);
    }
  }

  consoleLog(): string {
    return this.consoleLines.join('\n');
  }

  /** Opens the app (at `path`) and logs in; resolves once the app shows the name as the current user. */
  static async logIn(
    browser: Browser,
    baseUrl: string,
    name: string,
    path = '/',
    options: UserOptions = {},
  ): Promise<DuetUser> {
    const user = await DuetUser.open(browser, baseUrl, name, path, options);
    await user.submitLogin(name);
    await user.page.getByTestId('current-user').filter({ hasText: name }).waitFor();
    await user.recordStatuses();
    return user;
  }

  /** Opens the app without logging in. */
  static async open(
    browser: Browser,
    baseUrl: string,
    name: string,
    path = '/',
    options: UserOptions = {},
  ): Promise<DuetUser> {
    const { initScripts = [], beforeLoad, ...contextOptions } = options;
    const context = await browser.newContext({
      baseURL: baseUrl,
      permissions: ['camera', 'microphone'],
      viewport: { width: 375, height: 740 },
      ...contextOptions,
    });
    for (const script of initScripts) await context.addInitScript(script);
    const page = await context.newPage();
    const user = new DuetUser(name, context, page);
    await beforeLoad?.(page);
    await page.goto(path);
    return user;
  }

  async submitLogin(name: string): Promise<void> {
    await this.page.getByTestId('username-input').fill(name);
    await this.page.getByTestId('login-button').click();
  }

  /** The exact call state, as `call-status` keeps it in `data-state`. */
  status(): Promise<string | null> {
    return this.page.getByTestId('call-status').getAttribute('data-state');
  }

  async waitForStatus(state: CallState, timeout = 15_000): Promise<void> {
    try {
      await this.page.waitForFunction(
        (expected) => document.querySelector('[data-testid="call-status"]')?.getAttribute('data-state') === expected,
        state,
        { timeout, polling: 25 },
      );
    } catch {
      const history = (await this.statusHistory()).join(' -> ');
      throw new Error(`${this.name}: call-status never became "${state}"; history: ${history}\n${this.consoleLog()}`);
    }
  }

  /** Every call state seen since login, recorded in the page so short-lived states are not missed. */
  statusHistory(): Promise<string[]> {
    return this.page.evaluate(() => [...(window.__statusLog ?? [])]);
  }

  async clearStatusHistory(): Promise<void> {
    await this.page.evaluate(() => window.__statusLog?.splice(0, window.__statusLog.length - 1));
  }

  async waitForUserListed(name: string): Promise<void> {
    await this.userItem(name).waitFor();
  }

  /** Types `text` in the user list's search box (what a person does past the presence limit). */
  async searchFor(text: string): Promise<void> {
    await this.page.getByTestId('user-search').fill(text);
  }

  async callFromList(name: string): Promise<void> {
    await this.userItem(name).click();
  }

  async callByName(name: string): Promise<void> {
    await this.page.getByTestId('callee-input').fill(name);
    await this.page.getByTestId('call-button').click();
  }

  async accept(): Promise<void> {
    await this.page.getByTestId('incoming-call').waitFor();
    await this.page.getByTestId('accept-button').click();
  }

  async decline(): Promise<void> {
    await this.page.getByTestId('incoming-call').waitFor();
    await this.page.getByTestId('decline-button').click();
  }

  async hangUp(): Promise<void> {
    await this.page.getByTestId('hangup-button').click();
  }

  async errorMessage(): Promise<string> {
    const message = this.page.getByTestId('error-message');
    await message.waitFor();
    return (await message.textContent())?.trim() ?? '';
  }

  /**
   * Waits until the remote <video> shows real video: it has dimensions and presents new frames
   * (`requestVideoFrameCallback`), i.e. video is flowing, not just negotiated.
   */
  async waitForRemoteVideo(timeoutMs = 15_000): Promise<RemoteVideo> {
    try {
      await this.page.waitForFunction(() => {
        const video = document.querySelector<HTMLVideoElement>('video[data-testid="remote-video"]');
        return video !== null && video.videoWidth > 0;
      }, undefined, { timeout: timeoutMs, polling: 50 });
      // A fresh frame presented after we start watching proves the picture moves.
      await this.page.evaluate(
        (ms) =>
          new Promise<void>((resolve, reject) => {
            const video = document.querySelector<HTMLVideoElement>('video[data-testid="remote-video"]');
            if (!video) return reject(new Error('no remote video'));
            const timer = setTimeout(() => reject(new Error('no new frame')), ms);
            video.requestVideoFrameCallback(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
        timeoutMs,
      );
    } catch (error) {
      throw new Error(`${this.name}: remote video never played (${(error as Error).message}); last ${JSON.stringify(await this.remoteVideo())}`);
    }
    return this.remoteVideo();
  }

  remoteVideo(): Promise<RemoteVideo> {
    return this.page.evaluate(() => {
      const video = document.querySelector<HTMLVideoElement>('video[data-testid="remote-video"]');
      return {
        videoWidth: video?.videoWidth ?? 0,
        videoHeight: video?.videoHeight ?? 0,
        frames: video?.getVideoPlaybackQuality().totalVideoFrames ?? 0,
      };
    });
  }

  async localVideoWidth(): Promise<number> {
    return this.page.evaluate(() => document.querySelector<HTMLVideoElement>('video[data-testid="local-video"]')?.videoWidth ?? 0);
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  private userItem(name: string) {
    return this.page.getByTestId('user-item').filter({ hasText: new RegExp(`^\\s*${escapeRegExp(name)}\\s*$`) });
  }

  /** Starts recording call states in the page (logIn does this; call it after logging in by hand). */
  async recordStatuses(): Promise<void> {
    await this.page.evaluate(() => {
      const log: string[] = (window.__statusLog = []);
      const read = () => {
        const text = document.querySelector('[data-testid="call-status"]')?.getAttribute('data-state') ?? null;
        if (text !== null && text !== log.at(-1)) log.push(text);
      };
      new MutationObserver(read).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['data-state'],
      });
      read();
    });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
