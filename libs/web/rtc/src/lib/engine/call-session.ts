// Over 300 lines on purpose: perfect negotiation and its glare escapes are one algorithm over one connection.
import { CallClosedError } from '../call/errors';
import type { IceStartWatch } from '../recovery/ice-start-watch';
import { CallSenders, Kind } from './call-senders';
import { VideoLimits } from './sender-preference';
import { CallSessionOptions } from './call-session-options';
import { CONTROL_CHANNEL, ControlMessage, encodeControlMessage, parseControlMessage } from './control-channel';
import { fingerprintOf, isFromAnotherConnection, toCandidateInit } from './sdp';

export type { CallSessionOptions, OutboundSignal } from './call-session-options';

/** Candidates kept while no remote description exists; a peer that floods more is misbehaving. */
export const MAX_QUEUED_CANDIDATES = 200;

/**
 * One RTCPeerConnection at a time, negotiated with the "perfect negotiation" pattern (W3C / webrtc
 * samples): either side may offer at any time; on a collision the impolite side ignores the
 * incoming offer. The polite side never rolls back its own offer: Chromium sometimes leaves a
 * connection whose offer was rolled back gathering nothing, for good (2 glares in 25 under load).
 * Instead it moves to a fresh connection (see receiveDescription):
 *   - a collision with the call's very first offer (both dialled at once): it answers the
 *     incoming offer on a fresh connection;
 *   - a collision later in the call (both restarted ICE at once): it offers on a fresh
 *     connection, and the other side, seeing an offer from a new connection (a DTLS fingerprint
 *     it has not agreed to), answers it on a fresh connection of its own, whatever it was doing.
 * A fresh connection sends the tracks being sent now and reopens the control channel; in-call
 * features follow it through `peerConnection`.
 *
 * Inbound signals run one at a time in arrival order. Candidates that arrive before a remote
 * description are queued and applied right after it. Once closed, every operation rejects with
 * CallClosedError.
 *
 * Besides media it carries the control data channel (control-channel.ts). A device switch or screen
 * share swaps the track on the existing sender (`replaceTrack`), which needs no new offer; each
 * sender's parameters follow what it carries (a screen keeps its resolution, a sender with no track
 * sends nothing: sender-preference.ts).
 */
export class CallSession {
  readonly remoteUser: string;
  private pc: RTCPeerConnection | null = null;
  private closed = false;
  private makingOffer = false;
  private ignoreOffer = false;
  private isSettingRemoteAnswerPending = false;
  /** Settles when our own in-flight setLocalDescription(offer) does. */
  private offerInFlight: Promise<unknown> = Promise.resolve();
  /** An offer that arrived before this side created its connection (ringing, or glare while dialling). */
  private pendingOffer: RTCSessionDescriptionInit | null = null;
  private readonly pendingCandidates: RTCIceCandidateInit[] = [];
  private readonly media = new CallSenders(() => this.closed);
  /** The fingerprint of their connection we left in glare: its late offers are void. */
  private abandonedFingerprint: string | null = null;
  private remoteStreamFallback: MediaStream | null = null;
  private controlChannel: RTCDataChannel | null = null;
  private queue: Promise<void> = Promise.resolve();
  private iceServers: RTCIceServer[];
  private iceTransportPolicy: RTCIceTransportPolicy;
  private readonly iceStartWatch: IceStartWatch | null;

  constructor(private readonly options: CallSessionOptions) {
    this.remoteUser = options.remoteUser;
    this.iceServers = options.iceServers;
    this.iceTransportPolicy = options.iceTransportPolicy ?? 'all';
    this.iceStartWatch =
      options.watchIceStart?.(
        () => this.iceStalled(),
        () => {
          console.warn('[peer] ICE never started after the negotiation; restarting it');
          this.pc?.restartIce();
        },
      ) ?? null;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get polite(): boolean {
    return this.options.polite;
  }

  /** The connection the call runs on now (a glare may replace it); null before `open()` and once closed. */
  get connection(): RTCPeerConnection | null {
    return this.pc;
  }

  /** Our offer is out and its answer has not come: after a signaling outage, it may never come. */
  get awaitingAnswer(): boolean {
    return this.pc?.signalingState === 'have-local-offer';
  }

  /**
   * Creates the connection and shares `stream` (or receives only, when null). If the other side's
   * offer is already here it is answered; otherwise adding the tracks makes this side offer.
   */
  open(stream: MediaStream | null): Promise<void> {
    return this.enqueue('open the call', async () => {
      if (this.pc) throw new Error('the call is already open');
      this.media.open(stream);
      const pc = this.createPeerConnection();
      const offer = this.pendingOffer;
      this.pendingOffer = null;
      if (offer) await this.answer(pc, offer);
      else this.media.attach(pc, true);
    });
  }

  receiveDescription(description: RTCSessionDescriptionInit): Promise<void> {
    return this.enqueue('apply a remote description', async () => {
      const pc = this.pc;
      if (!pc) {
        if (description.type === 'offer') this.pendingOffer = description;
        else console.warn(`[peer] dropped an ${description.type} that arrived before the call was open`);
        return;
      }
      console.debug(
        `[peer] remote ${description.type} in ${pc.signalingState}${this.makingOffer ? ', making an offer' : ''}` +
          ` (${this.options.polite ? 'polite' : 'impolite'})`,
      );
      if (description.type === 'offer' && this.abandonedFingerprint !== null && fingerprintOf(description) === this.abandonedFingerprint) {
        console.debug('[peer] ignored an offer from the connection we left in glare');
        return;
      }
      if (description.type === 'offer' && isFromAnotherConnection(description, pc.currentRemoteDescription)) {
        // They dropped the connection we agreed on and offer a new one (glare later in the call):
        // whatever we were negotiating on ours is void.
        console.debug('[peer] offer from a fresh connection of theirs: answering on a fresh one');
        await this.offerInFlight;
        this.assertOpen('apply a remote description');
        await this.answer(this.replaceConnection(pc), description);
        return;
      }
      const readyForOffer =
        !this.makingOffer && (pc.signalingState === 'stable' || this.isSettingRemoteAnswerPending);
      const offerCollision = description.type === 'offer' && !readyForOffer;
      this.ignoreOffer = !this.options.polite && offerCollision;
      if (this.ignoreOffer) {
        console.debug('[peer] offer collision: impolite side ignores the incoming offer');
        return;
      }
      if (offerCollision) {
        // Our offer must be whole before it is dropped, one way or the other.
        await this.offerInFlight;
        this.assertOpen('apply a remote description');
        if (!pc.currentRemoteDescription) {
          // Nothing was ever agreed on this connection (both dialled at once): answer on a fresh
          // one. Chromium sometimes gathers no candidate at all, even after ICE restarts, on a
          // connection whose first offer was rolled back (2 glares in 25 under load).
          console.debug('[peer] offer collision before the first answer: answering on a fresh connection');
          await this.answer(this.replaceConnection(pc), description);
          return;
        }
        // Later in the call (both restarted ICE at once): offer on a fresh connection instead of
        // rolling back; the other side answers it on a fresh one of its own (above).
        console.debug('[peer] offer collision in the call: offering on a fresh connection');
        this.offerOnFreshConnection(pc, pc.currentRemoteDescription);
        return;
      }
      try {
        await this.applyRemoteDescription(pc, description);
      } catch (error) {
        if (description.type !== 'answer' || !pc.currentRemoteDescription || this.closed) throw error;
        // The answer to our re-offer is refused, and this connection would stay in have-local-offer.
        // Firefox answers a re-offer (an ICE restart) from a Chromium that answered its first offer
        // with the other DTLS role, and Chromium refuses that ("Failed to set SSL role for the
        // transport"): start over on a fresh connection; the other side answers on a fresh one.
        console.warn('[peer] the answer to our re-offer was refused; offering on a fresh connection', error);
        this.offerOnFreshConnection(pc, pc.currentRemoteDescription);
        return;
      }
      if (description.type === 'offer') {
        await pc.setLocalDescription();
        this.assertOpen('answer');
        this.sendLocalDescription(pc);
      }
      // Either way this side's negotiation is complete: ICE should start checking now.
      this.iceStartWatch?.arm();
      void this.media.refitVideo();
    });
  }

  receiveCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    return this.enqueue('add an ICE candidate', async () => {
      const pc = this.pc;
      if (!pc || !pc.remoteDescription) {
        if (this.pendingCandidates.length >= MAX_QUEUED_CANDIDATES) {
          console.warn('[peer] too many early ICE candidates; dropping one');
          return;
        }
        this.pendingCandidates.push(candidate);
        return;
      }
      await this.addCandidate(pc, candidate);
    });
  }

  /**
   * New ICE servers (renewed TURN credentials): the connection keeps its current candidates, and
   * the next gathering (an ICE restart) uses these. Before `open()`, the connection is created with them.
   */
  setIceConfiguration(iceServers: RTCIceServer[], iceTransportPolicy: RTCIceTransportPolicy): void {
    if (this.closed) return;
    this.iceServers = iceServers;
    this.iceTransportPolicy = iceTransportPolicy;
    const pc = this.pc;
    if (!pc) return;
    try {
      // The rest of the configuration (bundle policy, certificates) may not change: pass it back as is.
      pc.setConfiguration({ ...pc.getConfiguration(), iceServers, iceTransportPolicy });
    } catch (error) {
      // The call goes on with the old servers; only a later ICE restart through TURN may fail.
      console.warn('[peer] could not apply renewed ICE servers', error);
    }
  }

  /** Starts an ICE restart; perfect negotiation carries the new offer. */
  restartIce(): void {
    this.assertOpen('restart ICE');
    this.pc?.restartIce();
  }

  /**
   * After a signaling outage: an offer of ours sent meanwhile never arrived, and its answer never
   * will; take it back (rollback) so negotiation can run again, and restart ICE on a fresh offer.
   */
  recoverNegotiation(): Promise<void> {
    return this.enqueue('recover negotiation', async () => {
      const pc = this.pc;
      if (!pc) return;
      if (!this.makingOffer && pc.signalingState === 'have-local-offer') {
        console.debug('[peer] rolling back an offer that signaling may have lost');
        await pc.setLocalDescription({ type: 'rollback' });
        this.assertOpen('recover negotiation');
      }
      pc.restartIce();
    });
  }

  /**
   * Sends `track` instead of the current one of its kind, without renegotiating; null sends nothing
   * and keeps the sender for later. False when this side has no sender of that kind (it joined
   * without that device).
   */
  async replaceTrack(kind: Kind, track: MediaStreamTrack | null): Promise<boolean> {
    this.assertOpen('replace a track');
    // Not open yet: open() sends the tracks it is given, nothing to swap.
    if (!this.pc) return true;
    return this.media.replaceTrack(kind, track);
  }

  /** Caps the video sender (bitrate, resolution) now, and on every connection and track this call sends later. */
  setVideoLimits(limits: VideoLimits): Promise<void> {
    return this.media.setVideoLimits(limits);
  }

  /** Sends a control message if the channel is open; false otherwise (the open handler resends state). */
  sendControl(message: ControlMessage): boolean {
    const channel = this.controlChannel;
    if (this.closed || channel?.readyState !== 'open') return false;
    channel.send(encodeControlMessage(message));
    return true;
  }

  /** Idempotent. Stops the connection; pending work rejects with CallClosedError. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.iceStartWatch?.disarm();
    this.pendingOffer = null;
    this.pendingCandidates.length = 0;
    this.media.clear();
    const pc = this.pc;
    this.pc = null;
    if (!pc) return;
    this.detach(pc);
    pc.close();
  }

  private enqueue(operation: string, task: () => Promise<void>): Promise<void> {
    if (this.closed) return Promise.reject(new CallClosedError(operation));
    const run = this.queue.then(() => {
      this.assertOpen(operation);
      return task();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Both descriptions are set, nothing is being negotiated, and ICE has not even started checking. */
  private iceStalled(): boolean {
    const pc = this.pc;
    return (
      !this.closed &&
      pc !== null &&
      pc.connectionState === 'new' &&
      pc.signalingState === 'stable' &&
      pc.localDescription !== null &&
      pc.remoteDescription !== null
    );
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new CallClosedError(operation);
  }

  /** Applies the other side's offer to `pc` and answers it with our media. */
  private async answer(pc: RTCPeerConnection, offer: RTCSessionDescriptionInit): Promise<void> {
    await this.applyRemoteDescription(pc, offer);
    // After the remote offer, so the tracks reuse the transceivers it created.
    this.media.attach(pc, false);
    await pc.setLocalDescription();
    this.assertOpen('answer');
    this.sendLocalDescription(pc);
    this.iceStartWatch?.arm();
    // Chromium gives the transceivers an offer made no encodings until the answer is set: only now can they be capped.
    void this.media.refitVideo();
  }

  /** Drops `old` (glare: its negotiation is void) for a new connection; in-call features follow the new one. */
  private replaceConnection(old: RTCPeerConnection): RTCPeerConnection {
    this.detach(old);
    old.close();
    this.media.forgetSenders();
    this.remoteStreamFallback = null;
    return this.createPeerConnection();
  }

  /** Silences `pc` and its control channel: nothing it does afterwards reaches the call. */
  private detach(pc: RTCPeerConnection): void {
    pc.onnegotiationneeded = pc.onicecandidate = pc.ontrack = pc.onconnectionstatechange = null;
    const channel = this.controlChannel;
    this.controlChannel = null;
    if (channel) channel.onopen = channel.onmessage = null;
  }

  private createPeerConnection(): RTCPeerConnection {
    const pc = this.options.environment.createPeerConnection({
      iceServers: this.iceServers,
      iceTransportPolicy: this.iceTransportPolicy,
    });
    this.pc = pc;
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        const settingLocal = pc.setLocalDescription();
        this.offerInFlight = settingLocal.catch(() => undefined);
        await settingLocal;
        // Not if the connection was replaced meanwhile (glare): that offer is already void.
        if (this.pc === pc) this.sendLocalDescription(pc);
      } catch (error) {
        if (!this.closed) console.warn('[peer] could not create an offer', error);
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate || this.closed) return;
      this.options.signal({ type: 'candidate', candidate: toCandidateInit(candidate) });
    };
    pc.ontrack = ({ track, streams }) => {
      let stream = streams[0];
      if (!stream) {
        stream = this.remoteStreamFallback ??= this.options.environment.createMediaStream();
        stream.addTrack(track);
      }
      this.options.remoteStream(stream);
    };
    pc.onconnectionstatechange = () => {
      console.debug(`[peer] connection ${pc.connectionState}`);
      this.options.connectionStateChange(pc.connectionState);
    };
    this.openControlChannel(pc);
    this.options.peerConnection?.(pc);
    return pc;
  }

  /** Created before any offer on both sides, so the first offer already carries it. */
  private openControlChannel(pc: RTCPeerConnection): void {
    const channel = pc.createDataChannel(CONTROL_CHANNEL.label, { negotiated: true, id: CONTROL_CHANNEL.id });
    this.controlChannel = channel;
    channel.onopen = () => {
      if (!this.closed) this.options.controlOpen();
    };
    channel.onmessage = (event: MessageEvent) => {
      const message = parseControlMessage(event.data);
      if (message && !this.closed) this.options.control(message);
      else if (!message) console.debug('[peer] dropped an unknown control message');
    };
  }

  /**
   * Gives up `pc`, whose agreed remote description was `agreed`, and offers on a fresh connection.
   * The other side answers it on a fresh one of its own; the old peer's fingerprint is remembered so
   * an offer still coming from the connection left behind is ignored.
   */
  private offerOnFreshConnection(pc: RTCPeerConnection, agreed: RTCSessionDescription): void {
    this.abandonedFingerprint = fingerprintOf(agreed);
    this.media.attach(this.replaceConnection(pc), true);
  }

  private async applyRemoteDescription(pc: RTCPeerConnection, description: RTCSessionDescriptionInit): Promise<void> {
    this.isSettingRemoteAnswerPending = description.type === 'answer';
    try {
      await pc.setRemoteDescription(description);
    } finally {
      this.isSettingRemoteAnswerPending = false;
    }
    this.assertOpen('apply a remote description');
    const queued = this.pendingCandidates.splice(0);
    for (const candidate of queued) await this.addCandidate(pc, candidate);
  }

  private async addCandidate(pc: RTCPeerConnection, candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await pc.addIceCandidate(candidate);
    } catch (error) {
      // Candidates of an offer we chose to ignore are expected to fail.
      if (!this.ignoreOffer && !this.closed) console.warn('[peer] could not add an ICE candidate', error);
    }
  }

  private sendLocalDescription(pc: RTCPeerConnection): void {
    const description = pc.localDescription;
    if (!description) return;
    console.debug(`[peer] sending ${description.type}`);
    if (description.type === 'offer') {
      this.options.signal({ type: 'offer', offer: { type: 'offer', sdp: description.sdp } });
    } else if (description.type === 'answer') {
      this.options.signal({ type: 'answer', answer: { type: 'answer', sdp: description.sdp } });
    }
  }
}
