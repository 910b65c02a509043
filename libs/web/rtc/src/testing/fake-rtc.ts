import { RtcEnvironment } from '../lib/media/rtc-environment';

/**
 * Just enough of RTCPeerConnection's signaling state machine (JSEP) to test negotiation logic:
 * offers/answers move signalingState, an offer in have-local-offer rolls back implicitly, and
 * addIceCandidate rejects without a remote description, as the real one does. Unit tier only.
 */
export class FakePeerConnection {
  static instances: FakePeerConnection[] = [];
  /** When set, descriptions announce a DTLS fingerprint of their own per connection, as real ones do. */
  static withCertificates = false;

  signalingState: RTCSignalingState = 'stable';
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  /** The remote description of the last completed negotiation (set on reaching stable). */
  currentRemoteDescription: RTCSessionDescriptionInit | null = null;
  readonly addedCandidates: RTCIceCandidateInit[] = [];
  readonly senders: FakeSender[] = [];
  readonly dataChannels: FakeDataChannel[] = [];
  readonly transceivers: { kind: string; direction: string }[] = [];
  rollbacks = 0;
  restartIceCalls = 0;
  /** restartIce() was called and no offer has been made since. */
  iceRestartPending = false;
  closed = false;

  onnegotiationneeded: (() => void) | null = null;
  onicecandidate: ((event: { candidate: unknown }) => void) | null = null;
  ontrack: ((event: { track: FakeTrack; streams: FakeMediaStream[] }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;

  /** When set, the next remote answer is refused with it (as Chromium refuses an answer that flips the DTLS role). */
  refuseNextAnswer: DOMException | null = null;
  /** While set, setLocalDescription waits for it: lets a test hold an offer "in flight". */
  localDescriptionGate: Promise<void> | null = null;
  private negotiationQueued = false;
  private descriptions = 0;
  private readonly certificate = `FP${FakePeerConnection.instances.length}`;

  /** Every setConfiguration() call, in order. */
  readonly setConfigurations: RTCConfiguration[] = [];

  constructor(public configuration: RTCConfiguration) {
    FakePeerConnection.instances.push(this);
  }

  getConfiguration(): RTCConfiguration {
    return { ...this.configuration };
  }

  /** Like the real one: a closed connection refuses (InvalidStateError). */
  setConfiguration(configuration: RTCConfiguration): void {
    this.assertNotClosed();
    this.setConfigurations.push(configuration);
    this.configuration = configuration;
  }

  static latest(): FakePeerConnection {
    const pc = FakePeerConnection.instances.at(-1);
    if (!pc) throw new Error('no RTCPeerConnection was created');
    return pc;
  }

  addTrack(track: FakeTrack, stream: FakeMediaStream): FakeSender {
    const sender = new FakeSender(track, stream);
    this.senders.push(sender);
    this.needNegotiation();
    return sender;
  }

  createDataChannel(label: string, init: RTCDataChannelInit): FakeDataChannel {
    const channel = new FakeDataChannel(label, init);
    this.dataChannels.push(channel);
    // A pre-negotiated channel needs no negotiation of its own; it rides on the first offer.
    if (!init.negotiated) this.needNegotiation();
    return channel;
  }

  addTransceiver(kind: string, init: { direction: string; streams?: FakeMediaStream[] }): { sender: FakeSender } {
    this.transceivers.push({ kind, direction: init.direction });
    const sender = new FakeSender(null, init.streams?.[0] ?? new FakeMediaStream(), kind);
    if (init.direction === 'sendrecv') this.senders.push(sender);
    this.needNegotiation();
    return { sender };
  }

  /** The transceivers an applied remote offer made are not modelled: none to reuse. */
  getTransceivers(): RTCRtpTransceiver[] {
    return [];
  }

  async setLocalDescription(description?: RTCSessionDescriptionInit): Promise<void> {
    await Promise.resolve();
    if (this.localDescriptionGate) await this.localDescriptionGate;
    this.assertNotClosed();
    if (description?.type === 'rollback') {
      if (this.signalingState !== 'have-local-offer') throw new DOMException('nothing to roll back', 'InvalidStateError');
      this.rollbacks += 1;
      this.localDescription = null;
      this.signalingState = 'stable';
      if (this.iceRestartPending) this.needNegotiation();
      return;
    }
    const sdp = FakePeerConnection.withCertificates
      ? `a=fingerprint:sha-256 ${this.certificate}\nsdp-${++this.descriptions}`
      : `sdp-${++this.descriptions}`;
    if (this.signalingState === 'stable') {
      this.iceRestartPending = false;
      this.localDescription = { type: 'offer', sdp };
      this.signalingState = 'have-local-offer';
    } else if (this.signalingState === 'have-remote-offer') {
      this.localDescription = { type: 'answer', sdp };
      this.currentRemoteDescription = this.remoteDescription;
      this.signalingState = 'stable';
    } else {
      throw new DOMException(`setLocalDescription in ${this.signalingState}`, 'InvalidStateError');
    }
  }

  async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    await Promise.resolve();
    this.assertNotClosed();
    if (description.type === 'offer') {
      if (this.signalingState === 'have-local-offer') {
        this.rollbacks += 1;
        this.localDescription = null;
        this.signalingState = 'stable';
      }
      if (this.signalingState !== 'stable') {
        throw new DOMException(`remote offer in ${this.signalingState}`, 'InvalidStateError');
      }
      this.remoteDescription = description;
      this.signalingState = 'have-remote-offer';
    } else {
      const refusal = this.refuseNextAnswer;
      this.refuseNextAnswer = null;
      if (refusal) throw refusal;
      if (this.signalingState !== 'have-local-offer') {
        throw new DOMException(`remote answer in ${this.signalingState}`, 'InvalidStateError');
      }
      this.remoteDescription = this.currentRemoteDescription = description;
      this.signalingState = 'stable';
    }
  }

  async addIceCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    await Promise.resolve();
    if (!this.remoteDescription) {
      throw new DOMException('no remote description', 'InvalidStateError');
    }
    this.addedCandidates.push(candidate);
  }

  /** Like the real one: the next offer restarts ICE; negotiation is needed once stable. */
  restartIce(): void {
    this.restartIceCalls += 1;
    this.iceRestartPending = true;
    this.needNegotiation();
  }

  close(): void {
    this.closed = true;
    this.signalingState = 'closed';
  }

  // --- driven by tests ---
  gatherCandidate(candidate: RTCIceCandidateInit): void {
    this.onicecandidate?.({ candidate: { ...candidate, toJSON: () => candidate } });
  }

  /** RTP packets received so far per kind: what getStats reports as inbound-rtp (a test makes them grow). */
  readonly inbound = { audio: 0, video: 0, framesDecoded: 0 };

  async getStats(): Promise<Map<string, { type: string; kind: string; packetsReceived: number; framesDecoded?: number }>> {
    this.assertNotClosed();
    return new Map([
      ['IA', { type: 'inbound-rtp', kind: 'audio', packetsReceived: this.inbound.audio }],
      ['IV', { type: 'inbound-rtp', kind: 'video', packetsReceived: this.inbound.video, framesDecoded: this.inbound.framesDecoded }],
    ]);
  }

  becomes(state: RTCPeerConnectionState): void {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }

  receiveTrack(track: FakeTrack, streams: FakeMediaStream[]): void {
    this.ontrack?.({ track, streams });
  }

  private needNegotiation(): void {
    if (this.negotiationQueued) return;
    this.negotiationQueued = true;
    // A microtask, like the real event's queued task; not queueMicrotask, which fake timers replace.
    void Promise.resolve().then(() => {
      this.negotiationQueued = false;
      if (this.signalingState === 'stable' && !this.closed) this.onnegotiationneeded?.();
    });
  }

  private assertNotClosed(): void {
    if (this.closed) throw new DOMException('the connection is closed', 'InvalidStateError');
  }
}

export class FakeSender {
  replaced: (FakeTrack | null)[] = [];
  /** What setParameters was given, in order (a browser's real parameters carry more). */
  readonly parameterChanges: RTCRtpSendParameters[] = [];
  private parameters: RTCRtpSendParameters = { encodings: [{ active: true }], transactionId: 'fake-1' };
  constructor(
    public track: FakeTrack | null,
    readonly stream: FakeMediaStream,
    /** The transceiver's kind, for a sender made with no track. */
    readonly kind = track?.kind ?? 'none',
  ) {}
  async replaceTrack(track: FakeTrack | null): Promise<void> {
    this.track = track;
    this.replaced.push(track);
  }
  getParameters(): RTCRtpSendParameters {
    // A copy down to the encodings, as a browser hands out: changing it changes nothing until set.
    return { ...this.parameters, encodings: this.parameters.encodings.map((encoding) => ({ ...encoding })) };
  }
  async setParameters(parameters: RTCRtpSendParameters): Promise<void> {
    this.parameterChanges.push({ ...parameters });
    this.parameters = { ...parameters };
  }
}

export class FakeDataChannel {
  readyState: RTCDataChannelState = 'connecting';
  readonly sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(
    readonly label: string,
    readonly init: RTCDataChannelInit,
  ) {}
  send(data: string): void {
    if (this.readyState !== 'open') throw new DOMException('not open', 'InvalidStateError');
    this.sent.push(data);
  }
  // --- driven by tests ---
  open(): void {
    this.readyState = 'open';
    this.onopen?.();
  }
  receive(data: unknown): void {
    this.onmessage?.({ data });
  }
}

export class FakeTrack extends EventTarget {
  stopped = false;
  enabled = true;
  contentHint = '';
  constructor(
    readonly kind: 'audio' | 'video',
    readonly deviceId = `${kind}-default`,
    readonly label = deviceId,
  ) {
    super();
  }
  stop(): void {
    this.stopped = true;
  }
  getSettings(): MediaTrackSettings {
    return { deviceId: this.deviceId };
  }
  /** What unplugging the device does: the browser ends the track. */
  unplug(): void {
    this.dispatchEvent(new Event('ended'));
  }
}

export class FakeMediaStream {
  private readonly tracks: FakeTrack[];
  constructor(tracks: FakeTrack[] = []) {
    this.tracks = [...tracks];
  }
  getTracks(): FakeTrack[] {
    return [...this.tracks];
  }
  getAudioTracks(): FakeTrack[] {
    return this.tracks.filter((track) => track.kind === 'audio');
  }
  getVideoTracks(): FakeTrack[] {
    return this.tracks.filter((track) => track.kind === 'video');
  }
  addTrack(track: FakeTrack): void {
    this.tracks.push(track);
  }
}

export interface FakeDevices {
  /** Kinds getUserMedia grants, like a machine with those devices. */
  available?: ('audio' | 'video')[];
  /** The DOMException name getUserMedia fails with for a kind that is not available. */
  error?: string;
  /** Device ids enumerateDevices lists. */
  cameras?: string[];
  microphones?: string[];
}

/** getUserMedia that grants whatever kinds `available` lists, like a machine with those devices. */
export function fakeEnvironment(available: ('audio' | 'video')[] = ['audio', 'video'], error = 'NotFoundError') {
  return fakeDevicesEnvironment({ available, error });
}

export function fakeDevicesEnvironment(devices: FakeDevices = {}) {
  const available = devices.available ?? ['audio', 'video'];
  const listed = {
    video: devices.cameras ?? ['video-default'],
    audio: devices.microphones ?? ['audio-default'],
  };
  const deviceIdOf = (kind: 'audio' | 'video', constraint: boolean | MediaTrackConstraints | undefined) => {
    const wanted = typeof constraint === 'object' ? constraint.deviceId : undefined;
    const id = typeof wanted === 'object' && wanted !== null && !Array.isArray(wanted) ? (wanted as ConstrainDOMStringParameters).exact ?? (wanted as ConstrainDOMStringParameters).ideal : wanted;
    const exact = typeof wanted === 'object' && wanted !== null && 'exact' in wanted;
    if (typeof id === 'string' && listed[kind].includes(id)) return id;
    if (exact) throw new DOMException('no such device', 'OverconstrainedError');
    if (listed[kind].length === 0) throw new DOMException('no device', 'NotFoundError');
    return listed[kind][0];
  };
  const getUserMedia = jest.fn(async (constraints: MediaStreamConstraints) => {
    const wanted = (['audio', 'video'] as const).filter((kind) => constraints[kind]);
    if (!wanted.every((kind) => available.includes(kind))) throw new DOMException('denied', devices.error ?? 'NotFoundError');
    return new FakeMediaStream(wanted.map((kind) => new FakeTrack(kind, deviceIdOf(kind, constraints[kind]))));
  });
  const getDisplayMedia = jest.fn(async () => new FakeMediaStream([new FakeTrack('video', 'screen')]));
  const deviceChangeListeners = new Set<() => void>();
  const environment = {
    createPeerConnection: (configuration: RTCConfiguration) => new FakePeerConnection(configuration),
    createMediaStream: (tracks?: FakeTrack[]) => new FakeMediaStream(tracks ?? []),
    getUserMedia,
    canShareScreen: true,
    getDisplayMedia,
    enumerateDevices: async () => [
      ...listed.video.map((deviceId) => ({ kind: 'videoinput', deviceId, label: `Camera ${deviceId}` })),
      ...listed.audio.map((deviceId) => ({ kind: 'audioinput', deviceId, label: `Mic ${deviceId}` })),
      { kind: 'audiooutput', deviceId: 'speaker-default', label: 'Speaker' },
    ],
    onDeviceChange: (listener: () => void) => {
      deviceChangeListeners.add(listener);
      return () => deviceChangeListeners.delete(listener);
    },
  } as unknown as RtcEnvironment;
  /** Takes a device off the list and tells the page, as unplugging does. */
  const unplug = (kind: 'audio' | 'video', deviceId: string) => {
    listed[kind] = listed[kind].filter((id) => id !== deviceId);
    for (const listener of deviceChangeListeners) listener();
  };
  return { environment, getUserMedia, getDisplayMedia, unplug };
}

/** Lets queued promise chains (several awaits deep) run to completion. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** A PREFERENCE_STORAGE over a Map (the test reads what was saved). */
export function mapStorage(saved: Record<string, string> = {}) {
  const storage = new Map<string, string>(Object.entries(saved));
  const fake = {
    getItem: (key: string) => storage.get(key) ?? null,
    setItem: (key: string, value: string) => storage.set(key, value),
    removeItem: (key: string) => storage.delete(key),
  };
  return { storage, fake: fake as unknown as Storage };
}

/** A processed track from `FakeMediaEffects`: knows its raw input and whether it was disposed of. */
export class FakeProcessedTrack {
  disposed = false;
  readonly track: FakeTrack;
  constructor(
    readonly raw: FakeTrack,
    readonly effect: string,
    readonly failed: () => void,
  ) {
    this.track = new FakeTrack(raw.kind, `${effect}(${raw.deviceId})`);
  }
  dispose(): void {
    this.disposed = true;
    this.track.stop();
  }
}

/** MEDIA_EFFECTS for unit tests: every effect supported, each processed track recorded. */
export function fakeMediaEffects() {
  const made: FakeProcessedTrack[] = [];
  const make = (raw: MediaStreamTrack, effect: string, failed: () => void) => {
    const processed = new FakeProcessedTrack(raw as unknown as FakeTrack, effect, failed);
    made.push(processed);
    return Promise.resolve(processed as unknown as { track: MediaStreamTrack; dispose(): void });
  };
  const effects = {
    support: { noiseSuppression: true, background: true },
    suppressNoise: jest.fn((raw: MediaStreamTrack, failed: () => void) => make(raw, 'rnnoise', failed)),
    replaceBackground: jest.fn((raw: MediaStreamTrack, effect: string, failed: () => void) => make(raw, effect, failed)),
  };
  return { effects, made };
}
