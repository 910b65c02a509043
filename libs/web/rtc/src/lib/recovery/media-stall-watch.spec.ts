import { MediaSample, MediaStallWatch } from './media-stall-watch';

const timing = { stallMs: 1_500, politeDeferenceMs: 1_000, sampleEveryMs: 500, retryMs: 2_000, maxRestarts: 3 };

/**
 * Feeds a watch getStats-like samples every 500 ms: packet counters that grow while media flows
 * (`flowing`) and stand still otherwise, with whatever else a step changes.
 */
class Feed {
  readonly restarts: number[] = [];
  private at = 0;
  private readonly packets = { audio: 0, video: 0 };
  private framesDecoded = 0;
  /** Video packets arrive but no frame decodes (after an outage: stale packets, no keyframe yet). */
  frozen = false;
  private state: Omit<MediaSample, 'at' | 'packets'> = {
    connection: {},
    expected: { audio: true, video: true },
    peerReachable: true,
    settled: true,
    iceGeneration: 'ufrag-1',
  };
  flowing = { audio: true, video: true };

  constructor(readonly watch: MediaStallWatch) {}

  set(changes: Partial<Omit<MediaSample, 'at' | 'packets'>>): this {
    // A new connection counts from its own zero.
    if (changes.connection) this.packets.audio = this.packets.video = this.framesDecoded = 0;
    this.state = { ...this.state, ...changes };
    return this;
  }

  /** `ms` of samples, every 500 ms. */
  run(ms: number): this {
    for (let elapsed = 0; elapsed < ms; elapsed += timing.sampleEveryMs) {
      this.at += timing.sampleEveryMs;
      if (this.flowing.audio) this.packets.audio += 25;
      if (this.flowing.video) this.packets.video += 5;
      if (this.flowing.video && !this.frozen) this.framesDecoded += 5;
      const sample = { ...this.state, at: this.at, packets: { ...this.packets }, framesDecoded: this.framesDecoded };
      if (this.watch.sample(sample) === 'restart') this.restarts.push(this.at);
    }
    return this;
  }

  stop(): this {
    this.flowing = { audio: false, video: false };
    return this;
  }

  resume(): this {
    this.flowing = { audio: true, video: true };
    return this;
  }
}

const feed = (polite = false) => new Feed(new MediaStallWatch(timing, polite));

describe(MediaStallWatch.name, () => {
  it('restarts ICE when no media arrives for 1.5 s on a connected path, twice more 2 s apart, and no more however long the stall lasts', () => {
    const call = feed().run(3_000).stop().run(30_000);
    expect(call.restarts).toEqual([4_500, 6_500, 8_500]);
  });

  it('has the polite side wait 1 s longer, and not restart at all when the other side restarted first, both times', () => {
    expect(feed(true).run(3_000).stop().run(10_000).restarts).toEqual([5_500, 8_500, 11_500]);
    const call = feed(true).run(3_000).stop().run(2_000);
    // The impolite side's restarts arrive (a negotiation, then a new ICE generation in the remote description), 2 s apart.
    for (const generation of ['ufrag-2', 'ufrag-3', 'ufrag-4']) {
      call.set({ iceGeneration: generation, settled: false }).run(500);
      call.set({ settled: true }).run(1_500);
    }
    call.run(20_000);
    expect(call.restarts).toEqual([]);
  });

  it('gives the other side\'s restart a full wait before the polite side tries again itself', () => {
    const call = feed(true).run(3_000).stop().run(1_500);
    // The impolite side restarted (its negotiation too quick to be sampled).
    call.set({ iceGeneration: 'ufrag-2' }).run(500);
    // Its next one is due 2 s later; the polite side's own only 3 s after the one it saw.
    call.run(2_500);
    expect(call.restarts).toEqual([]);
    call.run(500);
    expect(call.restarts).toEqual([8_000]);
  });

  it('after restarting, waits for the picture to move, not for packets: restarts again while frames do not decode', () => {
    const call = feed().run(2_000).stop().run(2_000);
    expect(call.restarts).toEqual([3_500]);
    // The path is back: packets arrive, but no frame decodes yet. The restart was made while
    // nothing arrived: restart on the working path at once.
    call.resume().frozen = true;
    call.run(500);
    expect(call.restarts).toEqual([3_500, 4_500]);
    // That one was made on a working path: the next waits the usual 2 s.
    call.run(1_500);
    expect(call.restarts).toEqual([3_500, 4_500]);
    call.run(500);
    expect(call.restarts).toEqual([3_500, 4_500, 6_500]);
    call.frozen = false;
    call.run(1_000).stop().run(2_000);
    // The picture moved: a new stall, a new first restart.
    expect(call.restarts).toEqual([3_500, 4_500, 6_500, 9_000]);
  });

  it('has the polite side wait its deference before restarting on a path that came back', () => {
    const call = feed(true).run(2_000).stop().run(3_000);
    expect(call.restarts).toEqual([4_500]);
    call.resume().frozen = true;
    // Packets back at 5.5 s: its deference counts from then, so the impolite side's restart comes first.
    call.run(1_000);
    expect(call.restarts).toEqual([4_500]);
    call.run(500);
    expect(call.restarts).toEqual([4_500, 6_500]);
  });

  it('gives a path the browser calls connected again a full wait before the next restart, none at once', () => {
    const call = feed().run(2_000).stop().run(2_000);
    expect(call.restarts).toEqual([3_500]);
    call.watch.pathReconnected(4_000);
    call.resume().frozen = true;
    call.run(1_500);
    expect(call.restarts).toEqual([3_500]);
    call.run(500);
    expect(call.restarts).toEqual([3_500, 6_000]);
  });

  it('does not start a stall for video that stops decoding while packets flow (a sender short of bandwidth), even after a restart seen', () => {
    const call = feed().run(2_000);
    call.frozen = true;
    call.run(10_000);
    // The other side restarts ICE for reasons of its own while media flows: still no stall here.
    call.set({ iceGeneration: 'ufrag-2' }).run(10_000);
    expect(call.restarts).toEqual([]);
  });

  it('starts over once media flows again: the next stall restarts again', () => {
    const call = feed().run(2_000).stop().run(3_000).resume().run(3_000).stop().run(3_000);
    expect(call.restarts).toEqual([3_500, 9_500]);
  });

  it('never restarts for a peer whose camera is off and who is muted: nothing is expected from it', () => {
    const call = feed().run(2_000).set({ expected: { audio: false, video: false } }).stop().run(30_000);
    expect(call.restarts).toEqual([]);
  });

  it('judges only what the peer sends: camera off, its sound still counts; a kind it never sent is not waited for', () => {
    const cameraOff = feed().run(2_000).set({ expected: { audio: true, video: false } });
    cameraOff.flowing.video = false;
    cameraOff.run(5_000);
    expect(cameraOff.restarts).toEqual([]);
    cameraOff.stop().run(2_000);
    expect(cameraOff.restarts).toEqual([8_500]);

    // No camera at all (nothing ever came) and its sound flowing: video's silence is no stall.
    const noCamera = feed();
    noCamera.flowing.video = false;
    noCamera.run(10_000);
    expect(noCamera.restarts).toEqual([]);
  });

  it('gives a peer that turns its camera back on time to start sending before judging it', () => {
    const call = feed().set({ expected: { audio: false, video: false } }).stop().run(5_000);
    call.set({ expected: { audio: false, video: true } }).run(5_000);
    expect(call.restarts).toEqual([]);
    call.resume().run(2_000).stop().run(2_000);
    expect(call.restarts).toEqual([13_500]);
  });

  it('does not restart while signaling says the peer is away (or cannot carry the offer), and judges afresh when it is back', () => {
    const call = feed().run(2_000).set({ peerReachable: false }).stop().run(10_000);
    expect(call.restarts).toEqual([]);
    call.set({ peerReachable: true }).run(2_000);
    expect(call.restarts).toEqual([13_500]);
  });

  it('leaves a path the browser already calls broken, or a negotiation under way, to ICE recovery', () => {
    const call = feed().run(2_000).set({ settled: false }).stop().run(10_000);
    expect(call.restarts).toEqual([]);
  });

  it('watches from the first sample what had already arrived: a relay may die in the first second of a call', () => {
    const call = feed().set({ connection: {} });
    // The first sample sees packets counted since the connection opened, and then none.
    call.run(500).stop().run(3_000);
    expect(call.restarts).toEqual([2_000]);
  });

  it('starts over on a fresh connection (a glare replaced it): its counters begin at its own zero', () => {
    const call = feed().run(2_000).stop().run(1_000);
    call.set({ connection: {} }).run(10_000);
    // Nothing has arrived on the new connection yet: nothing to wait for.
    expect(call.restarts).toEqual([]);
    call.resume().run(1_000).stop().run(2_000);
    expect(call.restarts).toEqual([15_500]);
  });
});
