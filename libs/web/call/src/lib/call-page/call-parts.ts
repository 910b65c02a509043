import { DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';

/** The first retry comes this soon; each next one waits twice as long, up to `RETRY_MAX_MS`. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 5_000;

/** The same modules the page's @defer blocks name, so the same chunks; a token so a unit test can fail it. */
export const CALL_PARTS_LOADER = new InjectionToken<() => Promise<unknown>>('CALL_PARTS_LOADER', {
  providedIn: 'root',
  factory: () => () =>
    Promise.all([
      import('../call-stage/call-stage.component'),
      import('../incoming-call/incoming-call.component'),
      import('../lobby-preview/lobby-preview.component'),
      import('../availability/availability-select.component'),
      import('@duet/web/in-call'),
    ]),
});

/**
 * The parts of the page a call needs, each its own chunk (the initial bundle's budget): the call
 * stage, the ringing prompt, the lobby's preview and availability chooser, the rating. They are
 * fetched once the first page is drawn, and again until they arrive: a `@defer` block whose chunk
 * fails to load (a server restarting, a network blip) stays empty for good, as Angular does not try
 * again, so the page's blocks wait for `ready()` instead and then load from what is already here.
 */
@Injectable({ providedIn: 'root' })
export class CallParts {
  private readonly readyState = signal(false);
  readonly ready = this.readyState.asReadonly();
  private started = false;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private destroyed = false;
  private readonly loadParts = inject(CALL_PARTS_LOADER);

  constructor() {
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      clearTimeout(this.retry);
    });
  }

  /** Starts fetching (once); `ready()` turns true when every part is here. */
  load(): void {
    if (this.started) return;
    this.started = true;
    void this.attempt(RETRY_FIRST_MS);
  }

  private async attempt(nextDelayMs: number): Promise<void> {
    try {
      await this.loadParts();
      if (!this.destroyed) this.readyState.set(true);
    } catch (error) {
      if (this.destroyed) return;
      console.debug('[call] the call screen did not load; trying again', error);
      this.retry = setTimeout(() => void this.attempt(Math.min(nextDelayMs * 2, RETRY_MAX_MS)), nextDelayMs);
    }
  }
}
