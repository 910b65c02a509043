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
 *                                                    negotiation arms it again, with twice the delay)
 *   armed ──disarm (closed)──> idle
 *
 * The impolite side waits `delayMs`, the polite side twice that: usually only one side restarts,
 * and the other just answers, without a collision. The delay doubles after each restart, so a
 * path that is merely slow to gather (a TURN server far away, over TCP) gets the time it needs
 * rather than being restarted over and over; the call's connect deadline bounds it all.
 */
export class IceStartWatch {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private restarts = 0;

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
        if (!this.stalled()) return;
        this.restarts += 1;
        this.restart();
      },
      this.delayMs * (this.polite ? 2 : 1) * 2 ** this.restarts,
    );
  }

  disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
