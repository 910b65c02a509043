export type MediaKind = 'audio' | 'video';

/** One look at a call's connection (media-probe.ts takes it from getStats, every `sampleEveryMs`). */
export interface MediaSample {
  /** When it was taken (ms, any monotonic clock). */
  at: number;
  /** The connection it was read from: a new one (glare, a fresh connection) starts the counts over. */
  connection: object;
  /** RTP packets received so far, per kind, summed over the connection's inbound-rtp reports. */
  packets: Record<MediaKind, number>;
  /** Video frames decoded so far (inbound-rtp `framesDecoded`): the picture a person sees move. */
  framesDecoded: number;
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
  /**
   * Still stalled this long after a restart (ours or the other side's): restart again. A restart
   * made while the relay is down waits on the browser's own TURN retries (frames came 3–4.6 s after
   * the relay was back, tools/measure-recovery); one made after it is back brings frames in about
   * 1–2 s. Default 2 s.
   */
  retryMs: number;
  /**
   * Restarts per stall, the other side's included. Default 3: with the stall noticed at 1.5 s they
   * cover the 6 s or so until the browser calls the path `disconnected` and ICE recovery takes over.
   */
  maxRestarts: number;
}

export const DEFAULT_MEDIA_STALL: MediaStallTiming = { stallMs: 1_500, politeDeferenceMs: 1_000, sampleEveryMs: 500, retryMs: 2_000, maxRestarts: 3 };

/**
 * Notices media that stopped arriving while the connection still says `connected`: a dead TURN
 * relay is noticed by Chromium's consent checks only after about 6 s; RTP stops at once.
 *
 * A kind is watched once it is expected (the peer's media state) and has arrived on this
 * connection (a peer without a camera never sends video; packets counted before the first sample
 * arrived too). When no watched kind grew for
 * `stallMs` (the polite side: plus `politeDeferenceMs`), while signaling vouches for the peer and
 * nothing is being negotiated, `sample` answers `restart`; still stalled `retryMs` (polite: plus
 * the deference) after a restart, again, up to `maxRestarts` per stall. A restart seen meanwhile (a new ICE generation: the other
 * side's, or ICE recovery's) counts as one, so the two sides share the budget and rarely collide.
 * Once it has restarted, the stall ends only when the picture moves again (video frames decoded,
 * while video is watched): after an outage packets come back seconds before a decodable frame
 * (the sender's stale queue, then a keyframe; measured 2.5–3 s), and a restart on the path that
 * works again brings the picture back sooner: when packets come back and the picture does not,
 * after a restart made while nothing arrived, the next restart is due at once (the polite side
 * still waits its deference). After the last restart nothing more until media
 * has flowed again, so a call that is silent by
 * design (camera off, a muted peer whose browser sends nothing) never restarts ICE in a loop.
 * Whatever is not judged (nothing watched, the peer away, a negotiation, a connection that is not
 * `connected`) starts the clock over.
 */
export class MediaStallWatch {
  private connection: object | null = null;
  private last: Record<MediaKind, number> = { audio: 0, video: 0 };
  private arrived: Record<MediaKind, boolean> = { audio: false, video: false };
  private expected: Record<MediaKind, boolean> = { audio: false, video: false };
  private progressAt = 0;
  private lastFrames = 0;
  private iceGeneration: string | null = null;
  /** Restarts in this stall (ours, and new ICE generations seen); none once media flows. */
  private restarts = 0;
  /** We asked for a restart and its new ICE generation has not shown yet (it is not another one). */
  private ownRestartPending = false;
  /** The last restart in this stall was made while no packets arrived. */
  private restartedWhileDown = false;
  /** Packets came back since that restart (the moment the restart on the working path is timed from). */
  private pathBackSeen = false;
  /** A restart was made (or seen) while nothing arrived: only the picture moving ends this stall. */
  private stalled = false;

  constructor(
    private readonly timing: MediaStallTiming,
    private readonly polite: boolean,
  ) {}

  /** `restart`: restart ICE now; `recovered`: a stall with restarts is over (the picture moves). */
  sample(sample: MediaSample): 'restart' | 'recovered' | null {
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
      // A restart (ours, or the other side's): its new path gets a full wait from now, so the two
      // sides' next restarts do not meet in a glare (that costs a fresh connection).
      this.iceGeneration = sample.iceGeneration;
      if (!this.ownRestartPending) {
        this.restarts += 1;
        this.restartedWhileDown = !flowed;
        this.pathBackSeen = false;
        if (!flowed) this.stalled = true;
      }
      this.ownRestartPending = false;
      this.progressAt = sample.at;
    }
    const watched = (['audio', 'video'] as const).some((kind) => this.expected[kind] && this.arrived[kind]);
    const pictureMoved = sample.framesDecoded > this.lastFrames;
    this.lastFrames = sample.framesDecoded;
    const videoWatched = this.expected.video && this.arrived.video;
    // In a stall restarted for, what counts is the picture, not packets.
    const progress = this.stalled && videoWatched ? pictureMoved : flowed;
    const recovered = progress && this.restarts > 0;
    if (progress) {
      this.restarts = 0;
      this.stalled = false;
    }
    if (progress || !watched || !sample.peerReachable || !sample.settled) {
      this.progressAt = sample.at;
      return recovered ? 'recovered' : null;
    }
    // Packets are back and the picture is not: the path works again, and the last restart was made
    // while it did not (so it may be waiting on the browser's own retries). Restart on it now.
    const pathBack = flowed && this.restartedWhileDown;
    if (pathBack && !this.pathBackSeen) {
      // The polite side's deference counts from now: both sides see the path come back together.
      this.pathBackSeen = true;
      this.progressAt = sample.at;
    }
    const waitMs = pathBack ? 0 : this.restarts === 0 ? this.timing.stallMs : this.timing.retryMs;
    const patienceMs = waitMs + (this.polite ? this.timing.politeDeferenceMs : 0);
    if (this.restarts >= this.timing.maxRestarts || sample.at - this.progressAt < patienceMs) return null;
    this.restarts += 1;
    this.restartedWhileDown = !flowed;
    this.pathBackSeen = false;
    this.stalled = true;
    this.ownRestartPending = true;
    this.progressAt = sample.at;
    return 'restart';
  }

  /**
   * The browser says the path works again (`connected` after `disconnected`): a restart of ours
   * got through. Its picture gets a full `retryMs` before the next restart, none at once.
   */
  pathReconnected(at: number): void {
    this.restartedWhileDown = false;
    this.pathBackSeen = false;
    this.progressAt = at;
  }

  private startOver(sample: MediaSample): void {
    this.connection = sample.connection;
    this.last = { ...sample.packets };
    this.lastFrames = sample.framesDecoded;
    // Counted on this connection already: it has arrived (a relay may die in the call's first second).
    this.arrived = { audio: sample.packets.audio > 0, video: sample.packets.video > 0 };
    this.expected = { ...sample.expected };
    this.progressAt = sample.at;
    this.iceGeneration = sample.iceGeneration;
    this.restarts = 0;
    this.ownRestartPending = false;
    this.restartedWhileDown = false;
    this.pathBackSeen = false;
    this.stalled = false;
  }
}
