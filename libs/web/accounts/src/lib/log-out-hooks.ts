import { InjectionToken } from '@angular/core';

/**
 * What must happen at log-out while the person's token still works (the push switch tells the
 * server to stop ringing this browser). The accounts library adds its steps when it loads; the page
 * runs them before it closes the socket. Each is bounded, so a log-out never hangs on one.
 */
export class LogOutHooks {
  private readonly hooks = new Set<() => Promise<void>>();

  add(hook: () => Promise<void>): void {
    this.hooks.add(hook);
  }

  /** Runs every step at once; resolves when each has finished, failed or had `timeoutMs`. */
  async run(timeoutMs = 2_000): Promise<void> {
    await Promise.all([...this.hooks].map((hook) => bounded(hook, timeoutMs)));
  }
}

function bounded(hook: () => Promise<void>, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      console.warn(`[log-out] a step took over ${timeoutMs} ms: logging out without it`);
      resolve();
    }, timeoutMs);
    hook()
      .catch((error: unknown) => console.warn('[log-out] a step failed', error))
      .finally(() => {
        clearTimeout(timer);
        resolve();
      });
  });
}

export const LOG_OUT_HOOKS = new InjectionToken<LogOutHooks>('LOG_OUT_HOOKS', { providedIn: 'root', factory: () => new LogOutHooks() });
