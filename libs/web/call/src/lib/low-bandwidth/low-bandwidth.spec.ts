import { ComponentFixture, TestBed } from '@angular/core/testing';
import { QualityVerdict } from '@duet/web/in-call';
import { DATA_SAVER_KEY } from '@duet/web/rtc';
import { settle } from '../../testing/settle';
import { stubServices } from '../../testing/stub-services';
import { CallPageComponent } from '../call-page/call-page.component';

/** The low-bandwidth mode through the call page, as a person sees it; the stats are stubbed, time is fake. */
describe('low-bandwidth mode', () => {
  let stubs: ReturnType<typeof stubServices>;
  let fixture: ComponentFixture<CallPageComponent>;
  const byTestId = (id: string) => fixture.nativeElement.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
  const render = () => {
    TestBed.tick();
    fixture.detectChanges();
  };
  const verdict = (quality: QualityVerdict['quality']) => {
    stubs.stats.verdict.set({ quality, reason: quality === 'poor' ? 'loss' : 'ok' });
    render();
  };
  /** The verdict every 2 s, as the stats service reads it with its panel closed. */
  const poorFor = (ms: number) => {
    for (let passed = 0; passed < ms; passed += 2_000) {
      verdict('poor');
      jest.advanceTimersByTime(Math.min(2_000, ms - passed));
    }
    render();
  };

  async function inCall(saved: Record<string, string> = {}): Promise<void> {
    stubs = stubServices(saved);
    stubs.media.setCameraOff.mockImplementation(async (off: boolean) => stubs.media.cameraOff.set(off));
    jest.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(() => Promise.resolve());
    await TestBed.configureTestingModule({ imports: [CallPageComponent], providers: stubs.providers }).compileComponents();
    fixture = TestBed.createComponent(CallPageComponent);
    stubs.logInAs('alice');
    stubs.callIn('connected', 'bob');
    await settle(fixture);
    jest.useFakeTimers();
    render();
  }

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('offers to turn video off after 10 s of a poor verdict, not before, and turns it off on one click; audio is untouched', async () => {
    await inCall();
    poorFor(9_998);
    expect(byTestId('low-bandwidth-notice')).toBeNull();
    poorFor(2);
    expect(byTestId('low-bandwidth-notice')?.textContent).toContain('Your connection is weak: turn video off to keep the sound?');
    expect(stubs.media.setCameraOff).not.toHaveBeenCalled();

    (Array.from(byTestId('low-bandwidth-notice')?.querySelectorAll('button') ?? []).find((button) => button.textContent?.includes('Turn video off')) as HTMLButtonElement).click();
    render();
    expect(stubs.media.setCameraOff).toHaveBeenCalledWith(true);
    expect(stubs.media.setMicMuted).not.toHaveBeenCalled();
    expect(byTestId('low-bandwidth-notice')?.textContent).toContain('Your connection is weak: your video is off to keep the sound.');

    // It does not flap: a good connection leaves the video off until the person restores it.
    verdict('good');
    jest.advanceTimersByTime(30_000);
    render();
    expect(stubs.media.cameraOff()).toBe(true);
    (byTestId('video-restore-button') as HTMLButtonElement).click();
    render();
    expect(stubs.media.setCameraOff).toHaveBeenLastCalledWith(false);
    expect(byTestId('low-bandwidth-notice')).toBeNull();
  });

  it('a dip shorter than 10 s offers nothing, and an offer turned down is not made again in that call', async () => {
    await inCall();
    poorFor(8_000);
    verdict('fair');
    poorFor(8_000);
    expect(byTestId('low-bandwidth-notice')).toBeNull();
    poorFor(2_000);
    (Array.from(byTestId('low-bandwidth-notice')?.querySelectorAll('button') ?? []).find((button) => button.textContent?.includes('Keep video')) as HTMLButtonElement).click();
    render();
    expect(byTestId('low-bandwidth-notice')).toBeNull();
    verdict('good');
    poorFor(30_000);
    expect(byTestId('low-bandwidth-notice')).toBeNull();
    expect(stubs.media.setCameraOff).not.toHaveBeenCalled();
  });

  it('with the data saver on, turns video off by itself after 10 s of poor and says so', async () => {
    await inCall({ [DATA_SAVER_KEY]: 'on' });
    poorFor(10_000);
    expect(stubs.media.setCameraOff).toHaveBeenCalledWith(true);
    expect(byTestId('low-bandwidth-notice')?.textContent).toContain('Your connection is weak: data saver turned your video off to keep the sound.');
    expect(byTestId('video-restore-button')?.textContent).toContain('Turn video back on');
  });

  it("says in words why the other side's video is off when it was for their weak connection", async () => {
    await inCall();
    stubs.peer.remoteMedia.set({ micMuted: false, cameraOff: true, screenSharing: false, cameraOffReason: 'bandwidth' });
    render();
    expect(byTestId('remote-camera-off')?.textContent).toBe("bob's connection is weak: their video is off to keep the sound");
    stubs.peer.remoteMedia.set({ micMuted: false, cameraOff: true, screenSharing: false });
    render();
    expect(byTestId('remote-camera-off')?.textContent).toBe('bob turned their camera off');
  });

  it('lets me turn the data saver on in the call\'s device settings, and remembers it', async () => {
    await inCall();
    (fixture.nativeElement.querySelector('[aria-controls="call-device-settings"]') as HTMLButtonElement).click();
    render();
    const toggle = byTestId('data-saver-toggle') as HTMLButtonElement;
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    toggle.click();
    render();
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(stubs.storage.get(DATA_SAVER_KEY)).toBe('on');
  });
});
