import { TestBed } from '@angular/core/testing';
import { FakeMediaStream, FakeTrack, fakeDevicesEnvironment, mapStorage, fakeMediaEffects, settle } from '../../testing/fake-rtc';
import { CallNotice } from '../call/call-notice';
import { LocalMediaService, TrackSwap } from './local-media.service';
import { EFFECT_CHOICES_KEY, MEDIA_EFFECTS, MediaEffects } from './media-effects';
import { PREFERENCE_STORAGE } from './preference-storage';
import { RTC_ENVIRONMENT } from './rtc-environment';

function setUp(saved: Record<string, string> = {}, withEffects = true) {
  const fake = fakeDevicesEnvironment({ cameras: ['cam-1', 'cam-2'], microphones: ['mic-1'] });
  const { effects, made } = fakeMediaEffects();
  const { storage, fake: fakeStorage } = mapStorage(saved);
  TestBed.configureTestingModule({
    providers: [
      { provide: RTC_ENVIRONMENT, useValue: fake.environment },
      { provide: PREFERENCE_STORAGE, useValue: fakeStorage },
      ...(withEffects ? [{ provide: MEDIA_EFFECTS, useValue: effects as unknown as MediaEffects }] : []),
    ],
  });
  const media = TestBed.inject(LocalMediaService);
  const swaps: TrackSwap[] = [];
  const notices: CallNotice[] = [];
  media.trackSwaps$.subscribe((swap) => swaps.push(swap));
  media.notices$.subscribe((notice) => notices.push(notice));
  const labels = (stream: MediaStream | null) => ((stream as unknown as FakeMediaStream | null)?.getTracks() ?? []).map((track) => track.label);
  return { media, storage, swaps, notices, made, effects, labels };
}

const labelOf = (swap: TrackSwap) => (swap.track as unknown as FakeTrack | null)?.label ?? null;

describe('LocalMediaService effects', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('sends the noise-suppressed microphone by default, and the camera raw', async () => {
    const { media, labels } = setUp();
    const stream = await media.acquireForCall();
    expect(labels(stream)).toEqual(['rnnoise(mic-1)', 'cam-1']);
    expect(media.effectChoices()).toEqual({ noiseSuppression: true, background: 'none' });
  });

  it('without effects provided, sends the raw tracks and offers nothing', async () => {
    const { media, labels } = setUp({}, false);
    expect(labels(await media.acquireForCall())).toEqual(['mic-1', 'cam-1']);
    expect(media.effectSupport).toEqual({ noiseSuppression: false, background: false });
    expect(media.effectChoices().noiseSuppression).toBe(false);
  });

  it('turning blur on swaps the processed camera in, and off swaps the raw one back and disposes of the processed', async () => {
    const { media, swaps, made, storage, labels } = setUp();
    await media.acquireForCall();
    await media.setEffects({ background: 'blur' });
    expect(swaps.map(labelOf)).toEqual(['blur(cam-1)']);
    expect(labels(media.stream())).toContain('blur(cam-1)');
    expect(JSON.parse(storage.get(EFFECT_CHOICES_KEY) ?? '{}')).toEqual({ noiseSuppression: true, background: 'blur' });
    const blur = made.find((processed) => processed.effect === 'blur');

    await media.setEffects({ background: 'image' });
    expect(swaps.map(labelOf)).toEqual(['blur(cam-1)', 'image(cam-1)']);
    expect(blur?.disposed).toBe(true);

    await media.setEffects({ background: 'none' });
    expect(swaps.map(labelOf).at(-1)).toBe('cam-1');
    expect(made.every((processed) => processed.kind !== 'video' || processed.disposed)).toBe(true);
    expect(swaps.every((swap) => swap.kind === 'video')).toBe(true);
  });

  it('noise suppression off sends the raw microphone again (still muted if it was) and stops nothing raw', async () => {
    const { media, swaps, made } = setUp();
    const stream = (await media.acquireForCall()) as unknown as FakeMediaStream;
    media.setMicMuted(true);
    await media.setEffects({ noiseSuppression: false });
    const raw = swaps[0].track as unknown as FakeTrack;
    expect(swaps).toEqual([{ kind: 'audio', track: expect.objectContaining({ label: 'mic-1' }) }]);
    expect(raw.enabled).toBe(false);
    expect(raw.stopped).toBe(false);
    expect(made[0].disposed).toBe(true);
    expect(stream.getAudioTracks()[0]).toBe(made[0].track);
  });

  it('a device switch processes the new camera and disposes of the old camera and its processed track', async () => {
    const { media, swaps, made } = setUp();
    await media.acquireForCall();
    await media.setEffects({ background: 'blur' });
    await media.selectDevice('camera', 'cam-2');
    expect(swaps.map(labelOf)).toEqual(['blur(cam-1)', 'blur(cam-2)']);
    const first = made.find((processed) => processed.track.label === 'blur(cam-1)');
    expect(first?.disposed).toBe(true);
    expect(first?.raw.stopped).toBe(true);
  });

  it('camera-off and release dispose of every processed track and stop every raw one', async () => {
    const { media, made } = setUp({ [EFFECT_CHOICES_KEY]: JSON.stringify({ noiseSuppression: true, background: 'blur' }) });
    await media.acquireForCall();
    expect(made.map((processed) => processed.effect)).toEqual(['rnnoise', 'blur']);
    await media.setCameraOff(true);
    expect(made[1].disposed).toBe(true);
    media.release();
    expect(made.every((processed) => processed.disposed && processed.raw.stopped)).toBe(true);
  });

  it('an effect that gives up is turned off with a notice and the raw track is sent again', async () => {
    const { media, swaps, notices, made } = setUp();
    await media.acquireForCall();
    await media.setEffects({ background: 'blur' });
    made[1].failed();
    await settle();
    expect(notices).toEqual([{ code: 'effect-failed', effect: 'background' }]);
    expect(media.effectChoices().background).toBe('none');
    expect(swaps.map(labelOf).at(-1)).toBe('cam-1');
    expect(made[1].disposed).toBe(true);
  });

  it('an effect that cannot start sends the raw track with a notice', async () => {
    const { media, effects, notices, labels } = setUp();
    effects.suppressNoise.mockRejectedValueOnce(new Error('no AudioWorklet'));
    expect(labels(await media.acquireForCall())).toEqual(['mic-1', 'cam-1']);
    expect(notices).toEqual([{ code: 'effect-failed', effect: 'noise-suppression' }]);
  });

  it('a processed track that arrives after release is disposed of at once', async () => {
    const { media, made } = setUp();
    await media.acquireForCall();
    const pending = media.setEffects({ background: 'blur' });
    media.release();
    await pending;
    expect(made.every((processed) => processed.disposed)).toBe(true);
  });
});
