import { RtcEnvironment } from '../lib/rtc-environment';

/**
 * Just enough of RTCPeerConnection's signaling state machine (JSEP) to test negotiation logic:
 * offers/answers move signalingState, an offer in have-local-offer rolls back implicitly, and
 * addIceCandidate rejects without a remote description, as the real one does. Unit tier only.
 */
export class FakePeerConnection {
  static instances: FakePeerConnection[] = [];

  signalingState: RTCSignalingState = 'stable';
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  readonly addedCandidates: RTCIceCandidateInit[] = [];
  readonly senders: { track: FakeTrack; stream: FakeMediaStream }[] = [];
  readonly transceivers: { kind: string; direction: string }[] = [];
  rollbacks = 0;
  restartIceCalls = 0;
  closed = false;

  onnegotiationneeded: (() => void) | null = null;
  onicecandidate: ((event: { candidate: unknown }) => void) | null = null;
  ontrack: ((event: { track: FakeTrack; streams: FakeMediaStream[] }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;

  /** While set, setLocalDescription waits for it: lets a test hold an offer "in flight". */
  localDescriptionGate: Promise<void> | null = null;
  private negotiationQueued = false;
  private descriptions = 0;

  constructor(readonly configuration: RTCConfiguration) {
    FakePeerConnection.instances.push(this);
  }

  static latest(): FakePeerConnection {
    const pc = FakePeerConnection.instances.at(-1);
    if (!pc) throw new Error('no RTCPeerConnection was created');
    return pc;
  }

  addTrack(track: FakeTrack, stream: FakeMediaStream): object {
    this.senders.push({ track, stream });
    this.needNegotiation();
    return {};
  }

  addTransceiver(kind: string, init: { direction: string }): object {
    this.transceivers.push({ kind, direction: init.direction });
    this.needNegotiation();
    return {};
  }

  async setLocalDescription(): Promise<void> {
    await Promise.resolve();
    if (this.localDescriptionGate) await this.localDescriptionGate;
    this.assertNotClosed();
    const sdp = `sdp-${++this.descriptions}`;
    if (this.signalingState === 'stable') {
      this.localDescription = { type: 'offer', sdp };
      this.signalingState = 'have-local-offer';
    } else if (this.signalingState === 'have-remote-offer') {
      this.localDescription = { type: 'answer', sdp };
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
      if (this.signalingState !== 'have-local-offer') {
        throw new DOMException(`remote answer in ${this.signalingState}`, 'InvalidStateError');
      }
      this.remoteDescription = description;
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

  restartIce(): void {
    this.restartIceCalls += 1;
  }

  close(): void {
    this.closed = true;
    this.signalingState = 'closed';
  }

  async getStats(): Promise<Map<string, Record<string, unknown>>> {
    return new Map([
      ['audio', { type: 'inbound-rtp', kind: 'audio', packetsReceived: 9 }],
      ['video', { type: 'inbound-rtp', kind: 'video', framesDecoded: 42, frameWidth: 640, frameHeight: 480, bytesReceived: 9000 }],
    ]);
  }

  // --- driven by tests ---
  gatherCandidate(candidate: RTCIceCandidateInit): void {
    this.onicecandidate?.({ candidate: { ...candidate, toJSON: () => candidate } });
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

export class FakeTrack {
  stopped = false;
  constructor(readonly kind: 'audio' | 'video') {}
  stop(): void {
    this.stopped = true;
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
  addTrack(track: FakeTrack): void {
    this.tracks.push(track);
  }
}

/** getUserMedia that grants whatever kinds `available` lists, like a machine with those devices. */
export function fakeEnvironment(available: ('audio' | 'video')[] = ['audio', 'video'], error = 'NotFoundError') {
  const getUserMedia = jest.fn(async (constraints: MediaStreamConstraints) => {
    const wanted = (['audio', 'video'] as const).filter((kind) => constraints[kind]);
    if (!wanted.every((kind) => available.includes(kind))) throw new DOMException('denied', error);
    return new FakeMediaStream(wanted.map((kind) => new FakeTrack(kind)));
  });
  const environment = {
    createPeerConnection: (configuration: RTCConfiguration) => new FakePeerConnection(configuration),
    createMediaStream: () => new FakeMediaStream(),
    getUserMedia,
  } as unknown as RtcEnvironment;
  return { environment, getUserMedia };
}

/** Lets queued promise chains (several awaits deep) run to completion. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
