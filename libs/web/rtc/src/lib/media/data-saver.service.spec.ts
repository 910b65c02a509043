import { TestBed } from '@angular/core/testing';
import { logIn, setUpCall as setUp, useCallTestWorld } from '../../testing/call-harness';
import { FakePeerConnection, settle } from '../../testing/fake-rtc';
import { DATA_SAVER_KEY, DataSaverService, videoLimitsFor } from './data-saver.service';
import { LocalMediaService } from './local-media.service';
import { PREFERENCE_STORAGE } from './preference-storage';

describe('videoLimitsFor', () => {
  it('takes the lower of the operator\'s cap and the data saver\'s, and halves the picture only with the data saver', () => {
    expect(videoLimitsFor(undefined, false)).toEqual({});
    expect(videoLimitsFor(800, false)).toEqual({ maxBitrate: 800_000 });
    expect(videoLimitsFor(undefined, true)).toEqual({ maxBitrate: 250_000, scaleResolutionDownBy: 2 });
    expect(videoLimitsFor(800, true)).toEqual({ maxBitrate: 250_000, scaleResolutionDownBy: 2 });
    expect(videoLimitsFor(100, true)).toEqual({ maxBitrate: 100_000, scaleResolutionDownBy: 2 });
  });
});

describe(DataSaverService.name, () => {
  useCallTestWorld();
  const saved = new Map<string, string>();
  const storage = { getItem: (key: string) => saved.get(key) ?? null, setItem: (key: string, value: string) => void saved.set(key, value), removeItem: (key: string) => void saved.delete(key) };
  beforeEach(() => saved.clear());

  /** A call to bob, answered, its control channel open: what each side sends from then on is in `frames()`. */
  async function inCall(login: { maxVideoBitrateKbps?: number } = {}) {
    const { peer } = setUp(undefined, undefined, null, [{ provide: PREFERENCE_STORAGE, useValue: storage }]);
    const socket = await logIn('alice', 'token-1', login);
    await peer.call('bob');
    socket.deliver({ type: 'answer', answer: { type: 'answer', sdp: 'a' }, username: 'bob' });
    await settle();
    const pc = FakePeerConnection.latest();
    const [channel] = pc.dataChannels;
    channel.open();
    const video = () => pc.senders.find((sender) => sender.kind === 'video');
    const frames = () => channel.sent.map((frame) => JSON.parse(frame)).filter((frame) => frame.type === 'media-state');
    return { peer, pc, channel, video, frames };
  }

  it("puts the operator's cap from the login on the call's video sender", async () => {
    const { video } = await inCall({ maxVideoBitrateKbps: 600 });
    await settle();
    expect(video()?.getParameters().encodings).toEqual([{ active: true, maxBitrate: 600_000 }]);
  });

  it('remembers the data saver, and turning it on mid-call caps the running sender at once', async () => {
    const { video } = await inCall();
    const saver = TestBed.inject(DataSaverService);
    expect(saver.dataSaver()).toBe(false);
    saver.setDataSaver(true);
    TestBed.tick();
    await settle();
    expect(saved.get(DATA_SAVER_KEY)).toBe('on');
    expect(video()?.getParameters().encodings).toEqual([{ active: true, maxBitrate: 250_000, scaleResolutionDownBy: 2 }]);
    saver.setDataSaver(false);
    TestBed.tick();
    await settle();
    expect(saved.has(DATA_SAVER_KEY)).toBe(false);
    expect(video()?.getParameters().encodings).toEqual([{ active: true, scaleResolutionDownBy: 1 }]);
  });

  it('starts a call with the data saver a person chose before (remembered on this device)', async () => {
    saved.set(DATA_SAVER_KEY, 'on');
    const { video } = await inCall({ maxVideoBitrateKbps: 600 });
    await settle();
    expect(video()?.getParameters().encodings).toEqual([{ active: true, maxBitrate: 250_000, scaleResolutionDownBy: 2 }]);
  });

  it('turns video off for bandwidth with the reason for the other side, keeps audio, and one call of restoreVideo brings it back', async () => {
    const { pc, frames } = await inCall();
    const saver = TestBed.inject(DataSaverService);
    await saver.turnVideoOffForBandwidth();
    TestBed.tick();
    await settle();
    expect(frames().at(-1)).toEqual({ type: 'media-state', micMuted: false, cameraOff: true, screenSharing: false, cameraOffReason: 'bandwidth' });
    expect(pc.senders.map((sender) => [sender.kind, sender.track !== null])).toEqual([['audio', true], ['video', false]]);
    expect(saver.videoOffForBandwidth()).toBe(true);

    await saver.restoreVideo();
    TestBed.tick();
    await settle();
    expect(saver.videoOffForBandwidth()).toBe(false);
    expect(frames().at(-1)).toEqual({ type: 'media-state', micMuted: false, cameraOff: false, screenSharing: false });
    expect(pc.senders.map((sender) => [sender.kind, sender.track !== null])).toEqual([['audio', true], ['video', true]]);
  });

  it("shows the other side's video off for bandwidth with its reason, and without one once they turn it on", async () => {
    const { peer, channel } = await inCall();
    channel.receive(JSON.stringify({ type: 'media-state', micMuted: false, cameraOff: true, screenSharing: false, cameraOffReason: 'bandwidth' }));
    expect(peer.remoteMedia()).toEqual({ micMuted: false, cameraOff: true, screenSharing: false, cameraOffReason: 'bandwidth' });
    channel.receive(JSON.stringify({ type: 'media-state', micMuted: false, cameraOff: false, screenSharing: false }));
    expect(peer.remoteMedia()).toEqual({ micMuted: false, cameraOff: false, screenSharing: false });
  });

  it('stands down when the camera comes back by the camera button, and a camera turned off by choice gives no reason', async () => {
    const { frames } = await inCall();
    const saver = TestBed.inject(DataSaverService);
    const media = TestBed.inject(LocalMediaService);
    await saver.turnVideoOffForBandwidth();
    TestBed.tick();
    await media.setCameraOff(false);
    TestBed.tick();
    await settle();
    expect(saver.videoOffForBandwidth()).toBe(false);
    await media.setCameraOff(true);
    TestBed.tick();
    expect(frames().at(-1)).toEqual({ type: 'media-state', micMuted: false, cameraOff: true, screenSharing: false });
  });
});
