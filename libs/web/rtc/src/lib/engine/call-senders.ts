import { VideoLimits, applySenderParameters } from './sender-preference';

export const KINDS = ['audio', 'video'] as const;
export type Kind = (typeof KINDS)[number];

/**
 * What a CallSession sends: one sender per kind, the track each sends now (kept through
 * `replaceTrack`, so a fresh connection sends the same), and each sender's parameters fitted to
 * what it carries (sender-preference.ts). A sender with no track sends nothing (the camera is off).
 */
export class CallSenders {
  /** What `open()` was given to send (its stream id labels our tracks on the other side). */
  private stream: MediaStream | null = null;
  /** The track each kind sends now (null: a sender with nothing on it); a fresh connection sends these. */
  private readonly sending = new Map<Kind, MediaStreamTrack | null>();
  private readonly senders = new Map<Kind, RTCRtpSender>();
  /** setParameters calls, one at a time: each reads the parameters the last one left. */
  private updates: Promise<void> = Promise.resolve();
  /** What the video sender may spend (the operator's cap, the data saver); kept for every new sender. */
  private videoLimits: VideoLimits = {};

  constructor(private readonly closed: () => boolean) {}

  /** The call opens with `stream` (null: receive only). */
  open(stream: MediaStream | null): void {
    this.stream = stream;
    for (const track of stream?.getTracks() ?? []) {
      const kind = track.kind as Kind;
      // One sender per kind: a second track of a kind is not something a 1:1 call sends.
      if (!this.sending.has(kind)) this.sending.set(kind, track);
    }
  }

  /** Sends what we send now on `pc`; when offering, asks to receive any kind we cannot send (no camera, no mic). */
  attach(pc: RTCPeerConnection, offering: boolean): void {
    for (const kind of KINDS) {
      if (this.senders.has(kind)) continue;
      if (this.sending.has(kind)) this.senders.set(kind, this.addSender(pc, kind, this.sending.get(kind) ?? null, offering));
      else if (offering) pc.addTransceiver(kind, { direction: 'recvonly' });
    }
    // A fresh connection while sharing: its new sender keeps the screen's resolution too.
    void this.updateParameters('video');
  }

  /** Sends `track` on the sender of `kind`; false when there is none (this side joined without that device). */
  async replaceTrack(kind: Kind, track: MediaStreamTrack | null): Promise<boolean> {
    const sender = this.senders.get(kind);
    if (!sender) return false;
    this.sending.set(kind, track);
    await sender.replaceTrack(track);
    await this.updateParameters(kind);
    return true;
  }

  /**
   * Limits the video sender to `limits` now and on every later connection, track swap and
   * renegotiation (each of those fits the sender again with the limits kept here).
   */
  setVideoLimits(limits: VideoLimits): Promise<void> {
    this.videoLimits = { ...limits };
    return this.updateParameters('video');
  }

  /** Fits the video sender again (after a negotiation: a browser may have made its encodings afresh). */
  refitVideo(): Promise<void> {
    return this.updateParameters('video');
  }

  /** The connection was replaced: its senders went with it. */
  forgetSenders(): void {
    this.senders.clear();
  }

  clear(): void {
    this.stream = null;
    this.sending.clear();
    this.senders.clear();
  }

  /** Fits the sender of `kind` to the track it sends now, one change at a time (never rejects). */
  private updateParameters(kind: Kind): Promise<void> {
    this.updates = this.updates.then(() => {
      const sender = this.senders.get(kind);
      if (this.closed() || !sender) return;
      return applySenderParameters(sender, this.sending.get(kind) ?? null, kind === 'video' ? this.videoLimits : undefined);
    });
    return this.updates;
  }

  /** A sender of `kind`, with `track` on it, or none yet (the camera is off) but ready for one. */
  private addSender(pc: RTCPeerConnection, kind: Kind, track: MediaStreamTrack | null, offering: boolean): RTCRtpSender {
    const streams = this.stream ? [this.stream] : [];
    if (track) return pc.addTrack(track, ...streams);
    // Answering: take the transceiver their offer made for this kind, as addTrack would.
    const offered = offering
      ? undefined
      : pc.getTransceivers().find((each) => each.receiver.track.kind === kind && each.sender.track === null && each.direction === 'recvonly');
    if (offered) {
      offered.direction = 'sendrecv';
      offered.sender.setStreams(...streams);
      return offered.sender;
    }
    return pc.addTransceiver(kind, { direction: 'sendrecv', streams }).sender;
  }
}
