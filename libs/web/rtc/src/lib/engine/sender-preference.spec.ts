import { FakeMediaStream, FakeSender, FakeTrack } from '../../testing/fake-rtc';
import { applySenderParameters, degradationPreferenceFor } from './sender-preference';

function track(kind: 'audio' | 'video', contentHint = ''): MediaStreamTrack {
  const fake = new FakeTrack(kind);
  fake.contentHint = contentHint;
  return fake as unknown as MediaStreamTrack;
}

function videoSender(): FakeSender {
  return new FakeSender(new FakeTrack('video'), new FakeMediaStream());
}

describe('degradationPreferenceFor', () => {
  it('keeps the resolution of screen content and leaves everything else to the browser', () => {
    expect(degradationPreferenceFor(track('video', 'detail'))).toBe('maintain-resolution');
    expect(degradationPreferenceFor(track('video', 'text'))).toBe('maintain-resolution');
    expect(degradationPreferenceFor(track('video'))).toBeUndefined();
    expect(degradationPreferenceFor(track('video', 'motion'))).toBeUndefined();
    expect(degradationPreferenceFor(track('audio', 'speech'))).toBeUndefined();
    expect(degradationPreferenceFor(null)).toBeUndefined();
  });
});

describe(applySenderParameters.name, () => {
  beforeEach(() => jest.spyOn(console, 'debug').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('sets maintain-resolution for a screen and gives the camera the browser default back', async () => {
    const sender = videoSender();
    await applySenderParameters(sender as unknown as RTCRtpSender, track('video', 'detail'));
    await applySenderParameters(sender as unknown as RTCRtpSender, track('video'));
    expect(sender.parameterChanges.map((each) => each.degradationPreference)).toEqual(['maintain-resolution', undefined]);
    expect('degradationPreference' in sender.getParameters()).toBe(false);
    // The rest of the parameters (encodings, the transaction) go back as the browser gave them.
    expect(sender.parameterChanges[0]).toMatchObject({ transactionId: 'fake-1', encodings: [{ active: true }] });
  });

  it('leaves a sender alone when it already has what its track needs', async () => {
    const sender = videoSender();
    await applySenderParameters(sender as unknown as RTCRtpSender, track('video'));
    await applySenderParameters(sender as unknown as RTCRtpSender, track('video', 'motion'));
    expect(sender.parameterChanges).toEqual([]);
  });

  it('stops the encodings while no track is on the sender, and starts them with the next one', async () => {
    const sender = videoSender();
    await applySenderParameters(sender as unknown as RTCRtpSender, null);
    expect(sender.getParameters().encodings).toEqual([{ active: false }]);
    await applySenderParameters(sender as unknown as RTCRtpSender, track('video'));
    expect(sender.getParameters().encodings).toEqual([{ active: true }]);
    expect(sender.parameterChanges).toHaveLength(2);
  });

  it('caps a video sender\'s bitrate and resolution, leaves it alone when they are already so, and lifts them', async () => {
    const sender = videoSender();
    const camera = track('video');
    await applySenderParameters(sender as unknown as RTCRtpSender, camera, { maxBitrate: 250_000, scaleResolutionDownBy: 2 });
    expect(sender.getParameters().encodings).toEqual([{ active: true, maxBitrate: 250_000, scaleResolutionDownBy: 2 }]);
    await applySenderParameters(sender as unknown as RTCRtpSender, camera, { maxBitrate: 250_000, scaleResolutionDownBy: 2 });
    expect(sender.parameterChanges).toHaveLength(1);
    await applySenderParameters(sender as unknown as RTCRtpSender, camera, { maxBitrate: 800_000 });
    expect(sender.getParameters().encodings).toEqual([{ active: true, maxBitrate: 800_000, scaleResolutionDownBy: 1 }]);
    await applySenderParameters(sender as unknown as RTCRtpSender, camera, {});
    expect(sender.getParameters().encodings).toEqual([{ active: true, scaleResolutionDownBy: 1 }]);
    expect(sender.parameterChanges).toHaveLength(3);
  });

  it('never caps an audio sender (it is given no limits)', async () => {
    const sender = new FakeSender(new FakeTrack('audio'), new FakeMediaStream());
    await applySenderParameters(sender as unknown as RTCRtpSender, track('audio'));
    expect(sender.parameterChanges).toEqual([]);
  });

  it('goes on sending when the browser refuses the parameter', async () => {
    const sender = videoSender();
    sender.setParameters = () => Promise.reject(new DOMException('not supported', 'InvalidModificationError'));
    await expect(applySenderParameters(sender as unknown as RTCRtpSender, track('video', 'detail'))).resolves.toBeUndefined();
    sender.getParameters = () => {
      throw new TypeError('getParameters is not a function');
    };
    await expect(applySenderParameters(sender as unknown as RTCRtpSender, track('video', 'detail'))).resolves.toBeUndefined();
    expect(console.debug).toHaveBeenCalledTimes(2);
  });
});
