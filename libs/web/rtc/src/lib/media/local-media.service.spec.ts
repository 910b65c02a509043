import { TestBed } from '@angular/core/testing';
import { FakeMediaStream, FakeTrack, fakeDevicesEnvironment, mapStorage, settle } from '../../testing/fake-rtc';
import { CallNotice } from '../call/call-notice';
import { InsecureContextError } from './media';
import { DEVICE_CHOICES_KEY } from './devices';
import { LocalMediaService, TrackSwap } from './local-media.service';
import { PREFERENCE_STORAGE } from './preference-storage';
import { RTC_ENVIRONMENT } from './rtc-environment';

function setUp(saved: Record<string, string> = {}) {
  const fake = fakeDevicesEnvironment({ cameras: ['cam-1', 'cam-2'], microphones: ['mic-1', 'mic-2'] });
  const { storage, fake: fakeStorage } = mapStorage(saved);
  TestBed.configureTestingModule({
    providers: [
      { provide: RTC_ENVIRONMENT, useValue: fake.environment },
      { provide: PREFERENCE_STORAGE, useValue: fakeStorage },
    ],
  });
  const media = TestBed.inject(LocalMediaService);
  const swaps: TrackSwap[] = [];
  const notices: CallNotice[] = [];
  media.trackSwaps$.subscribe((swap) => swaps.push(swap));
  media.notices$.subscribe((notice) => notices.push(notice));
  const tracks = () => (media.stream() as unknown as FakeMediaStream | null)?.getTracks() ?? [];
  return { media, fake, storage, swaps, notices, tracks };
}

describe(LocalMediaService.name, () => {
  afterEach(() => TestBed.resetTestingModule());

  it('previews the remembered devices and lists what the browser has', async () => {
    const { media, fake, tracks } = setUp({ [DEVICE_CHOICES_KEY]: JSON.stringify({ camera: 'cam-2', microphone: 'mic-2' }) });
    await media.startPreview();
    await settle();
    expect(fake.getUserMedia).toHaveBeenCalledWith({ audio: { deviceId: { exact: 'mic-2' } }, video: { deviceId: { exact: 'cam-2' } } });
    expect(tracks().map((track) => track.deviceId)).toEqual(['mic-2', 'cam-2']);
    expect(media.devices().camera.map((device) => device.id)).toEqual(['cam-1', 'cam-2']);
    media.stopPreview();
    expect(media.stream()).toBeNull();
  });

  it('asks for a remembered device that is gone only as a hint, so the call still gets a camera', async () => {
    const { media, fake, tracks } = setUp({ [DEVICE_CHOICES_KEY]: JSON.stringify({ camera: 'cam-9' }) });
    await media.acquireForCall();
    expect(fake.getUserMedia).toHaveBeenCalledWith({ audio: true, video: { deviceId: { ideal: 'cam-9' } } });
    expect(tracks().map((track) => track.deviceId)).toEqual(['mic-1', 'cam-1']);
  });

  it('opens the camera for a call before reading the device lists when no device was chosen (call set-up time)', async () => {
    const { media, fake } = setUp();
    const enumerate = jest.spyOn(fake.environment, 'enumerateDevices');
    await media.acquireForCall();
    await settle();
    expect(fake.getUserMedia).toHaveBeenCalledWith({ audio: true, video: true });
    // The lists are still read, for the choosers, but after the tracks are on their way.
    expect(enumerate).toHaveBeenCalled();
    expect(fake.getUserMedia.mock.invocationCallOrder[0]).toBeLessThan(enumerate.mock.invocationCallOrder[0]);
  });

  it('switches a live camera by swapping the track, remembers the choice and stops the old one', async () => {
    const { media, storage, swaps, tracks } = setUp();
    await media.acquireForCall();
    const before = tracks().find((track) => track.kind === 'video') as FakeTrack;
    await media.selectDevice('camera', 'cam-2');
    expect(swaps).toEqual([{ kind: 'video', track: expect.objectContaining({ deviceId: 'cam-2' }) }]);
    expect(before.stopped).toBe(true);
    expect(JSON.parse(storage.get(DEVICE_CHOICES_KEY) ?? '{}')).toMatchObject({ camera: 'cam-2' });
  });

  it('keeps mute and camera-off across a device switch', async () => {
    const { media, tracks } = setUp();
    await media.acquireForCall();
    media.setMicMuted(true);
    await media.selectDevice('microphone', 'mic-2');
    expect(tracks().find((track) => track.kind === 'audio')).toMatchObject({ deviceId: 'mic-2', enabled: false });
  });

  it('turns the camera off by stopping it (its light goes off) and sending nothing, and on with the chosen camera', async () => {
    const { media, fake, swaps, tracks } = setUp();
    const states: boolean[] = [];
    media.state$.subscribe((state) => states.push(state.cameraOff));
    await media.acquireForCall();
    const first = tracks().find((track) => track.kind === 'video') as FakeTrack;

    await media.setCameraOff(true);
    expect(first.stopped).toBe(true);
    expect(tracks().map((track) => track.kind)).toEqual(['audio']);
    expect(swaps).toEqual([{ kind: 'video', track: null }]);
    expect(media.cameraOff()).toBe(true);

    // Chosen while off: remembered, nothing opened until the camera is turned on.
    await media.selectDevice('camera', 'cam-2');
    expect(tracks().map((track) => track.kind)).toEqual(['audio']);

    await media.setCameraOff(false);
    const second = tracks().find((track) => track.kind === 'video') as FakeTrack;
    expect(second).toMatchObject({ deviceId: 'cam-2', stopped: false, enabled: true });
    expect(fake.getUserMedia).toHaveBeenLastCalledWith({ video: { deviceId: { exact: 'cam-2' } } });
    expect(swaps.at(-1)).toEqual({ kind: 'video', track: second });
    expect(media.cameraOff()).toBe(false);
    expect(states).toEqual([false, true, false]);
  });

  it('keeps the camera off, with a notice, when it cannot be opened again', async () => {
    const { media, fake, notices, swaps } = setUp();
    await media.acquireForCall();
    await media.setCameraOff(true);
    fake.getUserMedia.mockRejectedValueOnce(new DOMException('busy', 'NotReadableError'));
    await media.setCameraOff(false);
    expect(media.cameraOff()).toBe(true);
    expect(notices).toEqual([{ code: 'device-failed', kind: 'camera', reason: 'in-use' }]);
    expect(swaps).toEqual([{ kind: 'video', track: null }]);
  });

  it('drops a camera that opens after it was turned off again', async () => {
    const { media, tracks } = setUp();
    await media.acquireForCall();
    await media.setCameraOff(true);
    const opening = media.setCameraOff(false);
    await media.setCameraOff(true);
    await opening;
    expect(media.cameraOff()).toBe(true);
    expect(tracks().map((track) => track.kind)).toEqual(['audio']);
  });

  it('keeps the screen on the wire when the camera goes off while sharing, and sends nothing once sharing ends', async () => {
    const { media, swaps } = setUp();
    await media.acquireForCall();
    await media.startScreenShare();
    await media.setCameraOff(true);
    expect(swaps.map((swap) => swap.track?.deviceId ?? null)).toEqual(['screen']);
    media.stopScreenShare();
    expect(swaps.at(-1)).toEqual({ kind: 'video', track: null });
  });

  it('stops a camera turned off while the call was still opening it, yet hands it to the call to hold a video sender', async () => {
    const { media, fake } = setUp();
    let grant: () => void = () => undefined;
    const granted = new Promise<void>((resolve) => (grant = resolve));
    const real = fake.getUserMedia.getMockImplementation();
    if (!real) throw new Error('no getUserMedia to wrap');
    fake.getUserMedia.mockImplementationOnce(async (constraints) => {
      await granted;
      return real(constraints);
    });
    const acquiring = media.acquireForCall();
    await media.setCameraOff(true);
    grant();
    const stream = (await acquiring) as unknown as FakeMediaStream;
    const camera = stream.getVideoTracks()[0];
    expect(camera.stopped).toBe(true);
    expect(media.cameraOff()).toBe(true);
    expect((media.stream() as unknown as FakeMediaStream).getVideoTracks()).toEqual([]);
  });

  it('falls back to the default device, with a notice, when the one in use is unplugged', async () => {
    const { media, fake, notices, swaps, tracks } = setUp({ [DEVICE_CHOICES_KEY]: JSON.stringify({ camera: 'cam-2' }) });
    await media.acquireForCall();
    const unplugged = tracks().find((track) => track.kind === 'video') as FakeTrack;
    fake.unplug('video', 'cam-2');
    unplugged.unplug();
    await settle();
    expect(notices[0]).toEqual({ code: 'device-lost', kind: 'camera' });
    expect(swaps.at(-1)?.track).toMatchObject({ deviceId: 'cam-1' });
  });

  it('notices a device gone from the list even before its track ends', async () => {
    const { media, fake, notices, tracks } = setUp({ [DEVICE_CHOICES_KEY]: JSON.stringify({ microphone: 'mic-2' }) });
    await media.acquireForCall();
    fake.unplug('audio', 'mic-2');
    await settle();
    expect(notices).toEqual([{ code: 'device-lost', kind: 'microphone' }]);
    expect(tracks().find((track) => track.kind === 'audio')?.deviceId).toBe('mic-1');
  });

  it('says the page is not a secure context, not that permission was denied, when the preview starts on http', async () => {
    const { media, fake, notices } = setUp();
    fake.getUserMedia.mockImplementation(() => Promise.reject(new InsecureContextError()));
    await media.startPreview();
    expect(notices).toEqual([{ code: 'media', reason: 'insecure-context', fallback: 'receive-only' }]);
    expect(media.previewing()).toBe(false);
    expect(await media.acquireForCall()).toBeNull();
  });

  it('releases everything, resets mute, and drops an acquisition that finishes after release', async () => {
    const { media, tracks } = setUp();
    await media.acquireForCall();
    media.setMicMuted(true);
    const live = tracks();
    media.release();
    expect(live.every((track) => track.stopped)).toBe(true);
    expect(media.micMuted()).toBe(false);

    const late = media.startPreview();
    media.release();
    await late;
    expect(media.stream()).toBeNull();
  });
});
