import { CallState } from './call-state';

/** The waiting states that have a bound. */
export type BoundedState = 'calling' | 'connecting' | 'reconnecting';

/**
 * Every waiting state has a bound, so a silent peer or network cannot hold a call forever: entering
 * one arms its timer, leaving it (any other state) clears it; `expire` runs when it passes.
 */
export class CallDeadlines {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly boundMs: (state: BoundedState) => number,
    private readonly expire: (state: BoundedState) => void,
  ) {}

  /** The call entered `state`. */
  enter(state: CallState): void {
    this.clear();
    if (state !== 'calling' && state !== 'connecting' && state !== 'reconnecting') return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.expire(state);
    }, this.boundMs(state));
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
