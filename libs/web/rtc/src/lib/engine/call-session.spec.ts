import { FakeMediaStream, FakePeerConnection, FakeSender, FakeTrack, fakeEnvironment, settle } from '../../testing/fake-rtc';
import { CallSession, OutboundSignal } from './call-session';
import { CallClosedError } from '../call/errors';
import { IceStartWatch } from '../recovery/ice-start-watch';

/** Every session a test made: closed after it, so no watch timer outlives the test. */
const made: CallSession[] = [];

function makeSession(polite: boolean, signals: OutboundSignal[] = []) {
  const session = new CallSession({
    remoteUser: 'peer',
    polite,
    iceServers: [],
    watchIceStart: (stalled: () => boolean, restart: () => void) => new IceStartWatch(4_000, polite, stalled, restart),
    environment: fakeEnvironment().environment,
    signal: (message) => signals.push(message),
    remoteStream: () => undefined,
    connectionStateChange: () => undefined,
    controlOpen: () => undefined,
    control: () => undefined,
  });
  made.push(session);
  return { session, signals };
}

const av = () => new FakeMediaStream([new FakeTrack('audio'), new FakeTrack('video')]) as unknown as MediaStream;
const candidate = (n: number): RTCIceCandidateInit => ({
  candidate: `candidate:${n} 1 udp 1 10.0.0.${n} 5000 typ host`,
  sdpMid: '0',
  sdpMLineIndex: 0,
});

describe(CallSession.name, () => {
  beforeEach(() => {
    FakePeerConnection.instances = [];
    FakePeerConnection.withCertificates = false;
    jest.spyOn(console, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => {
    for (const session of made.splice(0)) session.close();
    jest.restoreAllMocks();
  });

  it('queues candidates that arrive before the remote description and applies them, in order, right after it', async () => {
    const { session, signals } = makeSession(true);
    await session.receiveCandidate(candidate(1));
    await session.receiveDescription({ type: 'offer', sdp: 'their-offer' });
    await session.receiveCandidate(candidate(2));
    expect(FakePeerConnection.instances).toHaveLength(0);

    await session.open(av());
    const pc = FakePeerConnection.latest();
    expect(pc.remoteDescription).toEqual({ type: 'offer', sdp: 'their-offer' });
    expect(pc.addedCandidates).toEqual([candidate(1), candidate(2)]);
    expect(signals.map((signal) => signal.type)).toEqual(['answer']);
    expect(pc.senders.map((sender) => sender.track?.kind)).toEqual(['audio', 'video']);

    await session.receiveCandidate(candidate(3));
    expect(pc.addedCandidates).toEqual([candidate(1), candidate(2), candidate(3)]);
  });

  it('queues candidates on the offering side until the answer arrives', async () => {
    const { session, signals } = makeSession(false);
    await session.open(av());
    await settle();
    expect(signals.map((signal) => signal.type)).toEqual(['offer']);
    await session.receiveCandidate(candidate(7));
    const pc = FakePeerConnection.latest();
    expect(pc.addedCandidates).toEqual([]);
    await session.receiveDescription({ type: 'answer', sdp: 'their-answer' });
    expect(pc.signalingState).toBe('stable');
    expect(pc.addedCandidates).toEqual([candidate(7)]);
  });

  it('asks to receive audio and video even with nothing to send', async () => {
    const { session, signals } = makeSession(false);
    await session.open(null);
    await settle();
    const pc = FakePeerConnection.latest();
    expect(pc.senders).toEqual([]);
    expect(pc.transceivers).toEqual([
      { kind: 'audio', direction: 'recvonly' },
      { kind: 'video', direction: 'recvonly' },
    ]);
    expect(signals[0]?.type).toBe('offer');
  });

  /** Carries each session's signals to the other until nothing is left in flight. */
  function wire(a: CallSession, aSignals: OutboundSignal[], b: CallSession, bSignals: OutboundSignal[]) {
    const queue: { to: CallSession; signal: OutboundSignal }[] = [];
    const collect = () => {
      for (const signal of aSignals.splice(0)) queue.push({ to: b, signal });
      for (const signal of bSignals.splice(0)) queue.push({ to: a, signal });
    };
    return async () => {
      collect();
      while (queue.length > 0) {
        const { to, signal } = queue.shift() as { to: CallSession; signal: OutboundSignal };
        if (signal.type === 'offer') await to.receiveDescription(signal.offer);
        else if (signal.type === 'answer') await to.receiveDescription(signal.answer);
        else await to.receiveCandidate(signal.candidate);
        await settle();
        collect();
      }
    };
  }

  it('resolves glare on a first call: the impolite side ignores the offer, the polite side answers on a fresh connection', async () => {
    const politeSignals: OutboundSignal[] = [];
    const impoliteSignals: OutboundSignal[] = [];
    const { session: polite } = makeSession(true, politeSignals);
    const { session: impolite } = makeSession(false, impoliteSignals);

    // Both dial at once: each makes an offer before seeing the other's.
    await Promise.all([polite.open(av()), impolite.open(av())]);
    await settle();
    const [firstPolitePc, impolitePc] = FakePeerConnection.instances;
    expect(firstPolitePc.signalingState).toBe('have-local-offer');
    expect(impolitePc.signalingState).toBe('have-local-offer');

    await wire(polite, politeSignals, impolite, impoliteSignals)();

    // No rollback anywhere: Chromium sometimes gathers nothing on a connection whose first offer was rolled back.
    expect(FakePeerConnection.instances).toHaveLength(3);
    const politePc = FakePeerConnection.latest();
    expect(firstPolitePc.closed).toBe(true);
    expect(firstPolitePc.rollbacks + impolitePc.rollbacks + politePc.rollbacks).toBe(0);
    // One negotiation won: the impolite side's offer, answered by the polite side with its media.
    expect(politePc.signalingState).toBe('stable');
    expect(impolitePc.signalingState).toBe('stable');
    expect(politePc.remoteDescription).toEqual(impolitePc.localDescription);
    expect(impolitePc.remoteDescription).toEqual(politePc.localDescription);
    expect(politePc.localDescription?.type).toBe('answer');
    expect(politePc.senders.map((sender) => sender.track?.kind)).toEqual(['audio', 'video']);
    expect(politePc.dataChannels.map((channel) => channel.label)).toEqual(firstPolitePc.dataChannels.map((channel) => channel.label));
  });

  async function connectedPair() {
    FakePeerConnection.withCertificates = true;
    const politeSignals: OutboundSignal[] = [];
    const impoliteSignals: OutboundSignal[] = [];
    const { session: polite } = makeSession(true, politeSignals);
    const { session: impolite } = makeSession(false, impoliteSignals);
    const deliver = wire(polite, politeSignals, impolite, impoliteSignals);
    await polite.open(av());
    await settle();
    await deliver(); // the impolite side rings: its offer waits for open()
    await impolite.open(av());
    await deliver();
    const [politePc, impolitePc] = FakePeerConnection.instances;
    expect([politePc.signalingState, impolitePc.signalingState]).toEqual(['stable', 'stable']);
    return { polite, impolite, deliver, politePc, impolitePc };
  }

  it('resolves glare later in a call (two ICE restarts at once) on fresh connections on both sides, never rolling back', async () => {
    const { polite, impolite, deliver, politePc, impolitePc } = await connectedPair();
    // What each side sends now: the polite side switched cameras, the impolite side turned its camera off.
    const switched = new FakeTrack('video', 'cam-2');
    await polite.replaceTrack('video', switched as unknown as MediaStreamTrack);
    await impolite.replaceTrack('video', null);

    polite.restartIce();
    impolite.restartIce();
    await settle();
    await deliver();

    // Chromium sometimes gathers nothing on a connection whose offer was rolled back.
    const [, , freshPolite, freshImpolite] = FakePeerConnection.instances;
    expect(FakePeerConnection.instances).toHaveLength(4);
    expect(FakePeerConnection.instances.reduce((sum, pc) => sum + pc.rollbacks, 0)).toBe(0);
    expect([politePc.closed, impolitePc.closed]).toEqual([true, true]);
    // The polite side offered on its fresh connection; the impolite side saw a new fingerprint and answered on one of its own.
    expect(freshPolite.localDescription?.type).toBe('offer');
    expect(freshImpolite.remoteDescription).toEqual(freshPolite.localDescription);
    expect(freshPolite.remoteDescription).toEqual(freshImpolite.localDescription);
    expect([freshPolite.signalingState, freshImpolite.signalingState]).toEqual(['stable', 'stable']);
    // Each fresh connection sends what was being sent, and carries the control channel again.
    expect(freshPolite.senders.map((sender) => sender.track?.deviceId)).toEqual(['audio-default', 'cam-2']);
    expect(freshImpolite.senders.map((sender) => [sender.kind, sender.track?.deviceId ?? null])).toEqual([
      ['audio', 'audio-default'],
      ['video', null],
    ]);
    expect(freshImpolite.dataChannels.map((channel) => channel.label)).toEqual(['control']);

    // A late offer from the connection the polite side left is void.
    const before = FakePeerConnection.instances.length;
    await polite.receiveDescription(impolitePc.localDescription as RTCSessionDescriptionInit);
    expect(FakePeerConnection.instances).toHaveLength(before);
    expect(freshPolite.signalingState).toBe('stable');
  });

  it('keeps a shared screen at its resolution on the fresh connection that glare later in a call makes', async () => {
    const { polite, impolite, deliver, politePc } = await connectedPair();
    const screen = new FakeTrack('video', 'screen');
    screen.contentHint = 'detail';
    await polite.replaceTrack('video', screen as unknown as MediaStreamTrack);
    const video = (pc: FakePeerConnection) => pc.senders.find((sender) => sender.kind === 'video');
    expect(video(politePc)?.getParameters().degradationPreference).toBe('maintain-resolution');

    polite.restartIce();
    impolite.restartIce();
    await settle();
    await deliver();
    await settle();

    const freshPolite = FakePeerConnection.instances[2];
    expect(video(freshPolite)?.track?.deviceId).toBe('screen');
    expect(video(freshPolite)?.getParameters().degradationPreference).toBe('maintain-resolution');
  });

  it('keeps the video cap on the sender through camera off and on, a track swap, an ICE restart on a fresh connection, and a renegotiation', async () => {
    const { polite, impolite, deliver, politePc } = await connectedPair();
    const video = (pc: FakePeerConnection) => pc.senders.find((sender) => sender.kind === 'video');
    const encodings = (pc: FakePeerConnection) => video(pc)?.getParameters().encodings;
    await polite.setVideoLimits({ maxBitrate: 300_000, scaleResolutionDownBy: 2 });
    expect(encodings(politePc)).toEqual([{ active: true, maxBitrate: 300_000, scaleResolutionDownBy: 2 }]);
    // The audio sender is never capped.
    expect(politePc.senders.find((sender) => sender.kind === 'audio')?.parameterChanges).toEqual([]);

    await polite.replaceTrack('video', null);
    expect(encodings(politePc)).toEqual([{ active: false, maxBitrate: 300_000, scaleResolutionDownBy: 2 }]);
    await polite.replaceTrack('video', new FakeTrack('video', 'cam-2') as unknown as MediaStreamTrack);
    expect(encodings(politePc)).toEqual([{ active: true, maxBitrate: 300_000, scaleResolutionDownBy: 2 }]);

    // A renegotiation that left the browser's encodings afresh: the cap goes back on once it completes.
    (video(politePc) as unknown as { parameters: RTCRtpSendParameters }).parameters = { encodings: [{ active: true }], transactionId: 'fresh' } as RTCRtpSendParameters;
    polite.restartIce();
    await settle();
    await deliver();
    await settle();
    expect(encodings(politePc)).toEqual([{ active: true, maxBitrate: 300_000, scaleResolutionDownBy: 2 }]);

    // Glare: both restart at once and each side goes on on a fresh connection, which keeps the cap.
    polite.restartIce();
    impolite.restartIce();
    await settle();
    await deliver();
    await settle();
    const fresh = FakePeerConnection.instances.filter((pc) => pc !== politePc).at(-2) as FakePeerConnection;
    expect(fresh).not.toBe(politePc);
    expect(encodings(fresh)).toEqual([{ active: true, maxBitrate: 300_000, scaleResolutionDownBy: 2 }]);

    // Lifted: the browser's own estimate rules again.
    await polite.setVideoLimits({});
    expect(encodings(fresh)).toEqual([{ active: true, scaleResolutionDownBy: 1 }]);
  });

  it('caps the video sender of the side that answers once its answer is set (Chromium has no encodings to cap before)', async () => {
    const { session, signals } = makeSession(false);
    await session.setVideoLimits({ maxBitrate: 200_000 });
    await session.receiveDescription({ type: 'offer', sdp: 'their-offer' });
    // As Chromium: a sender on a transceiver the offer made has no encodings until the answer is set.
    const realGet = FakeSender.prototype.getParameters;
    jest.spyOn(FakeSender.prototype, 'getParameters').mockImplementation(function (this: FakeSender) {
      const answered = FakePeerConnection.instances.some((pc) => pc.senders.includes(this) && pc.localDescription !== null);
      return answered ? realGet.call(this) : ({ encodings: [], transactionId: 'none' } as unknown as RTCRtpSendParameters);
    });
    await session.open(av());
    await settle();
    expect(signals.map((signal) => signal.type)).toEqual(['answer']);
    const video = FakePeerConnection.latest().senders.find((sender) => sender.kind === 'video');
    expect(video?.getParameters().encodings).toEqual([{ active: true, maxBitrate: 200_000 }]);
  });

  it('offers on a fresh connection when the answer to its ICE restart is refused (Firefox answering Chromium with the other DTLS role)', async () => {
    const { impolite, deliver, politePc, impolitePc } = await connectedPair();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    // The side that answered the first offer restarts ICE; the browser refuses the answer it gets back.
    impolitePc.refuseNextAnswer = new DOMException('Failed to set SSL role for the transport.', 'InvalidAccessError');
    impolite.restartIce();
    await settle();
    await deliver();

    expect(warn).toHaveBeenCalledWith(expect.stringContaining('offering on a fresh connection'), expect.any(DOMException));
    const [, , freshImpolite, freshPolite] = FakePeerConnection.instances;
    expect(FakePeerConnection.instances).toHaveLength(4);
    expect([politePc.closed, impolitePc.closed]).toEqual([true, true]);
    // Not stuck in have-local-offer: a whole new negotiation, offered by the side whose answer was refused.
    expect(freshImpolite.localDescription?.type).toBe('offer');
    expect(freshPolite.remoteDescription).toEqual(freshImpolite.localDescription);
    expect(freshImpolite.remoteDescription).toEqual(freshPolite.localDescription);
    expect([freshImpolite.signalingState, freshPolite.signalingState]).toEqual(['stable', 'stable']);
    expect(freshImpolite.dataChannels.map((channel) => channel.label)).toEqual(['control']);
  });

  it('keeps one connection for an ICE restart without glare', async () => {
    const { polite, deliver } = await connectedPair();
    polite.restartIce();
    await settle();
    await deliver();
    expect(FakePeerConnection.instances).toHaveLength(2);
    expect(FakePeerConnection.instances.every((pc) => !pc.closed && pc.signalingState === 'stable')).toBe(true);
  });

  it('lets its own in-flight offer finish before giving it up in glare', async () => {
    const { session, signals } = makeSession(true);
    let release = () => undefined as void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const opening = session.open(av());
    await Promise.resolve();
    FakePeerConnection.latest().localDescriptionGate = gate;
    await opening;
    await settle();
    const pc = FakePeerConnection.latest();
    expect(pc.signalingState).toBe('stable'); // our offer is still being set

    const receiving = session.receiveDescription({ type: 'offer', sdp: 'their-offer' });
    await settle();
    expect(pc.closed).toBe(false);
    expect(FakePeerConnection.instances).toHaveLength(1);

    pc.localDescriptionGate = null;
    release();
    await receiving;
    await settle();
    expect(pc.localDescription?.type).toBe('offer');
    expect(pc.closed).toBe(true);
    const fresh = FakePeerConnection.latest();
    expect(fresh.remoteDescription).toEqual({ type: 'offer', sdp: 'their-offer' });
    expect(signals.map((signal) => signal.type).at(-1)).toBe('answer');
  });

  it('after close, every operation rejects with CallClosedError and the connection is closed', async () => {
    const { session } = makeSession(true);
    await session.open(av());
    const pc = FakePeerConnection.latest();
    session.close();
    session.close();
    expect(pc.closed).toBe(true);
    await expect(session.receiveCandidate(candidate(1))).rejects.toBeInstanceOf(CallClosedError);
    await expect(session.receiveDescription({ type: 'offer', sdp: 'x' })).rejects.toBeInstanceOf(CallClosedError);
    await expect(session.open(null)).rejects.toBeInstanceOf(CallClosedError);
    expect(() => session.restartIce()).toThrow(CallClosedError);
  });

  it('creates its connection with ICE servers renewed before it opened, and ignores renewals once closed', async () => {
    const { session } = makeSession(true);
    const renewed = [{ urls: 'turn:turn.duet.test', username: 'u2', credential: 'c2' }];
    session.setIceConfiguration(renewed, 'relay');
    await session.open(av());
    const pc = FakePeerConnection.latest();
    expect(pc.configuration).toEqual({ iceServers: renewed, iceTransportPolicy: 'relay' });
    expect(pc.setConfigurations).toEqual([]);

    session.close();
    session.setIceConfiguration([], 'all');
    expect(pc.setConfigurations).toEqual([]);
  });

  it('keeps the call when the browser refuses a renewed configuration', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { session } = makeSession(true);
    await session.open(av());
    const pc = FakePeerConnection.latest();
    jest.spyOn(pc, 'setConfiguration').mockImplementation(() => {
      throw new DOMException('certificates changed', 'InvalidModificationError');
    });
    expect(() => session.setIceConfiguration([], 'all')).not.toThrow();
    expect(warn).toHaveBeenCalledWith('[peer] could not apply renewed ICE servers', expect.any(DOMException));
    expect(session.isClosed).toBe(false);
  });

  it('rejects work already queued when the call closes meanwhile', async () => {
    const { session } = makeSession(true);
    const opening = session.open(av());
    session.close();
    await expect(opening).rejects.toBeInstanceOf(CallClosedError);
  });

  describe('when ICE never starts after a negotiation', () => {
    beforeEach(() => {
      jest.useFakeTimers();
      jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    });
    afterEach(() => jest.useRealTimers());

    /** Advances to 1 ms before `ms`: no restart yet; then to `ms`: exactly one more. */
    function expectRestartAfter(pc: FakePeerConnection, ms: number): void {
      const before = pc.restartIceCalls;
      jest.advanceTimersByTime(ms - 1);
      expect(pc.restartIceCalls).toBe(before);
      jest.advanceTimersByTime(1);
      expect(pc.restartIceCalls).toBe(before + 1);
    }

    /** An offering session whose offer was answered: its negotiation is complete. */
    async function negotiated(polite: boolean) {
      const made = makeSession(polite);
      await made.session.open(av());
      await settle();
      await made.session.receiveDescription({ type: 'answer', sdp: 'their-answer' });
      return { ...made, pc: FakePeerConnection.latest() };
    }

    it('the impolite side restarts ICE after the delay, and again, after twice the delay, if the restart stalls too', async () => {
      const { session, signals, pc } = await negotiated(false);
      expectRestartAfter(pc, 4_000);
      await settle();
      expect(signals.map((signal) => signal.type)).toEqual(['offer', 'offer']);

      // The restart's answer comes, and ICE still does not start: restart again, given longer
      // (gathering may just be slow, e.g. a distant TURN server).
      await session.receiveDescription({ type: 'answer', sdp: 'their-second-answer' });
      expectRestartAfter(pc, 8_000);
      expect(pc.restartIceCalls).toBe(2);
    });

    it('the polite side waits twice as long, so the impolite side usually restarts alone', async () => {
      const { pc } = await negotiated(true);
      expectRestartAfter(pc, 8_000);
    });

    it('leaves ICE alone once it has started checking', async () => {
      const { pc } = await negotiated(false);
      pc.becomes('connecting');
      jest.advanceTimersByTime(60_000);
      expect(pc.restartIceCalls).toBe(0);
    });

    it('answers an offer and watches the same way; closing the call stops the watch', async () => {
      const { session } = makeSession(false);
      await session.receiveDescription({ type: 'offer', sdp: 'their-offer' });
      await session.open(av());
      const pc = FakePeerConnection.latest();
      expect(pc.localDescription?.type).toBe('answer');
      expect(jest.getTimerCount()).toBe(1);
      session.close();
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(60_000);
      expect(pc.restartIceCalls).toBe(0);
    });
  });
});
