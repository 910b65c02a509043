/**
 * Restarts ICE when a negotiation is done but ICE never starts checking: the connection stays `new`.
 *
 * Two causes are known. Chromium sometimes gathers no candidate at all after the polite side rolls
 * its offer back in glare (2 glares in 25 on a loaded 2-core machine; its gathering state stays
 * `gathering`, with no candidate ever). And a candidate lost on the way (a signaling outage) leaves
 * the other side nothing to check. An ICE restart gathers afresh on both sides and cures both.
 *
 *   idle ──arm (negotiated, connection `new`)──> armed
 *   armed ──delay passes, still `new` and stable──> restart ICE, idle (the restart's own
 *                                                    negotiation arms it again)
 *   armed ──disarm (closed)──> idle
 *
 * The impolite side waits `delayMs`, the polite side twice that: usually only one side restarts,
 * and the other just answers, without a collision.
 */
export class IceStartWatch {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly delayMs: number,
    private readonly polite: boolean,
    private readonly stalled: () => boolean,
    private readonly restart: () => void,
  ) {}

  /** A negotiation just completed on this side; a timer already running keeps its deadline. */
  arm(): void {
    if (this.timer || !this.stalled()) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        if (this.stalled()) this.restart();
      },
      this.polite ? 2 * this.delayMs : this.delayMs,
    );
  }

  disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
