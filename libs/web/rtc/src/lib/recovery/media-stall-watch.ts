export type MediaKind = 'audio' | 'video';

/** One look at a call's connection (media-probe.ts takes it from getStats, every `sampleEveryMs`). */
export interface MediaSample {
  /** When it was taken (ms, any monotonic clock). */
  at: number;
  /** The connection it was read from: a new one (glare, a fresh connection) starts the counts over. */
  connection: object;
  /** RTP packets received so far, per kind, summed over the connection's inbound-rtp reports. */
  packets: Record<MediaKind, number>;
  /**
   * What the other side means to send now, from its last `media-state`: no video while its camera
   * is off (unless it shares a screen: the sender then has no track and sends nothing); no sound
   * counted while muted (a browser may stop sending a disabled track's silence).
   */
  expected: Record<MediaKind, boolean>;
  /**
   * Signaling vouches for the other side and can carry a restart: our socket is logged in with no
   * gap, and the server has not said the peer is away (`reconnecting`).
   */
  peerReachable: boolean;
  /** The connection says it works (`connected`) and nothing is being negotiated (`stable`). */
  settled: boolean;
  /** The remote description's ICE username fragment: it changes when either side restarts ICE. */
  iceGeneration: string | null;
}

export interface MediaStallTiming {
  /** How long no RTP may arrive, of all the kinds the peer sends, before ICE is restarted. Default 1.5 s. */
  stallMs: number;
  /** The polite side waits this much longer, so usually only the impolite side restarts. Default 1 s. */
  politeDeferenceMs: number;
  /** How often the connection's stats are read. Default 500 ms. */
  sampleEveryMs: number;
}

export const DEFAULT_MEDIA_STALL: MediaStallTiming = { stallMs: 1_500, politeDeferenceMs: 1_000, sampleEveryMs: 500 };

/**
 * Notices media that stopped arriving while the connection still says `connected`: a dead TURN
 * relay is noticed by Chromium's consent checks only after about 6 s; RTP stops at once.
 *
 * A kind is watched once it is expected (the peer's media state) and has arrived on this
 * connection (a peer without a camera never sends video). When no watched kind grew for
 * `stallMs` (the polite side: plus `politeDeferenceMs`), while signaling vouches for the peer and
 * nothing is being negotiated, `sample` answers `restart`: once per stall. The next one needs
 * media to flow again first, so a call that is silent by design (camera off, a muted peer whose
 * browser sends nothing) never restarts ICE in a loop; a restart seen in the meantime (the other
 * side's, or one from ICE recovery) also spends it. Whatever is not judged (nothing watched, the
 * peer away, a negotiation, a connection that is not `connected`) starts the clock over.
 */
export class MediaStallWatch {
  private connection: object | null = null;
  private last: Record<MediaKind, number> = { audio: 0, video: 0 };
  private arrived: Record<MediaKind, boolean> = { audio: false, video: false };
  private expected: Record<MediaKind, boolean> = { audio: false, video: false };
  private progressAt = 0;
  private iceGeneration: string | null = null;
  /** A restart happened in this stall (ours, or seen): no more until media flows. */
  private spent = false;

  constructor(
    private readonly timing: MediaStallTiming,
    private readonly polite: boolean,
  ) {}

  sample(sample: MediaSample): 'restart' | null {
    if (sample.connection !== this.connection) this.startOver(sample);
    let flowed = false;
    for (const kind of ['audio', 'video'] as const) {
      const grew = sample.packets[kind] > this.last[kind];
      this.last[kind] = sample.packets[kind];
      if (sample.expected[kind] !== this.expected[kind]) {
        // The peer turned something on or off: judge it afresh, from now.
        this.expected[kind] = sample.expected[kind];
        this.arrived[kind] = false;
        this.progressAt = sample.at;
      }
      if (grew && this.expected[kind]) {
        this.arrived[kind] = true;
        flowed = true;
      }
    }
    if (sample.iceGeneration !== this.iceGeneration) {
      this.iceGeneration = sample.iceGeneration;
      this.spent = true;
    }
    const watched = (['audio', 'video'] as const).some((kind) => this.expected[kind] && this.arrived[kind]);
    if (flowed) this.spent = false;
    if (flowed || !watched || !sample.peerReachable || !sample.settled) {
      this.progressAt = sample.at;
      return null;
    }
    const patienceMs = this.timing.stallMs + (this.polite ? this.timing.politeDeferenceMs : 0);
    if (this.spent || sample.at - this.progressAt < patienceMs) return null;
    this.spent = true;
    return 'restart';
  }

  private startOver(sample: MediaSample): void {
    this.connection = sample.connection;
    this.last = { ...sample.packets };
    this.arrived = { audio: false, video: false };
    this.expected = { ...sample.expected };
    this.progressAt = sample.at;
    this.iceGeneration = sample.iceGeneration;
    this.spent = false;
  }
}
