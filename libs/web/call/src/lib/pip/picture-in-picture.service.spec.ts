import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { CallState, PREFERENCE_STORAGE } from '@duet/web/rtc';
import { CallFacade } from '../call-facade.service';
import { PIP_BROWSER, PipBrowser } from './pip-browser';
import { PIP_AUTO_OPEN_KEY, PictureInPictureService } from './picture-in-picture.service';

/** A Document Picture-in-Picture window: its own document, and `pagehide` when it closes. */
function fakePipWindow(pagehideLater = false) {
  const target = new EventTarget();
  const pip = Object.assign(target, {
    document: document.implementation.createHTMLDocument('pip'),
    closed: false,
    close: jest.fn(() => {
      pip.closed = true;
      const pagehide = () => target.dispatchEvent(new Event('pagehide'));
      if (pagehideLater) setTimeout(pagehide, 0);
      else pagehide();
    }),
  });
  return pip;
}

function setUp(
  options: { documentPip?: boolean; mediaSession?: boolean | 'throws'; stored?: Record<string, string>; pagehideLater?: boolean } = {},
) {
  const windows: ReturnType<typeof fakePipWindow>[] = [];
  const requestWindow = jest.fn(async () => {
    const pip = fakePipWindow(options.pagehideLater);
    windows.push(pip);
    return pip as unknown as Window;
  });
  const setActionHandler = jest.fn((action: string, handler: (() => void) | null) => {
    if (options.mediaSession === 'throws') throw new TypeError(`unknown action ${action}`);
    void handler;
  });
  let visibility: DocumentVisibilityState = 'visible';
  // The real jsdom document, with the visibility a test sets and the video picture-in-picture it says.
  const page = document.implementation.createHTMLDocument('page');
  Object.defineProperties(page, {
    visibilityState: { get: () => visibility },
    pictureInPictureEnabled: { value: true },
    pictureInPictureElement: { value: null },
  });
  const browser: PipBrowser = {
    document: page,
    documentPictureInPicture: options.documentPip === false ? null : { requestWindow },
    mediaSession: options.mediaSession ? { setActionHandler } : null,
  };
  // jsdom's own localStorage, emptied after each test.
  const storage = localStorage;
  for (const [key, value] of Object.entries(options.stored ?? {})) storage.setItem(key, value);
  const facade = {
    callState: signal<CallState>('connected'),
    micMuted: signal(false),
    remoteUser: signal<string | null>('bob'),
    toggleMicrophone: jest.fn(() => facade.micMuted.update((muted) => !muted)),
    hangUp: jest.fn(() => facade.callState.set('ended')),
  };
  TestBed.configureTestingModule({
    providers: [
      { provide: PIP_BROWSER, useValue: browser },
      { provide: CallFacade, useValue: facade },
      { provide: PREFERENCE_STORAGE, useValue: storage },
    ],
  });
  const stage = page.createElement('div');
  page.body.append(stage);
  const video = page.createElement('video');
  video.play = jest.fn(async () => undefined);
  video.requestPictureInPicture = jest.fn(async () => {
    video.dispatchEvent(new Event('enterpictureinpicture'));
    return {} as PictureInPictureWindow;
  });
  stage.append(video);
  const service = TestBed.inject(PictureInPictureService);
  service.attach(video);
  TestBed.tick();
  const hide = async (state: DocumentVisibilityState = 'hidden') => {
    visibility = state;
    page.dispatchEvent(new Event('visibilitychange'));
    await settle();
  };
  return { service, facade, requestWindow, windows, setActionHandler, video, stage, storage, hide };
}

/** Lets the awaited requests resolve. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe(PictureInPictureService.name, () => {
  afterEach(() => {
    TestBed.resetTestingModule();
    localStorage.clear();
  });

  it('opens a window with the remote video, a mute toggle and hang-up when the page is hidden during a call', async () => {
    const { service, facade, requestWindow, windows, video, hide } = setUp();
    await hide();
    expect(requestWindow).toHaveBeenCalledTimes(1);
    expect(service.open()).toBe(true);
    const pip = windows[0].document;
    expect(pip.body.contains(video)).toBe(true);

    const mute = pip.querySelector<HTMLButtonElement>('[data-testid="pip-mute-button"]');
    mute?.click();
    TestBed.tick();
    expect(facade.toggleMicrophone).toHaveBeenCalledTimes(1);
    expect(mute?.getAttribute('aria-pressed')).toBe('true');
    expect(mute?.textContent).toBe('Unmute');
  });

  it('returns the video to its place in the page when the person closes the window', async () => {
    const { service, windows, video, stage, hide } = setUp();
    const next = stage.ownerDocument.createElement('span');
    stage.append(next);
    await hide();
    windows[0].close();
    expect(service.open()).toBe(false);
    expect(video.parentNode).toBe(stage);
    expect(video.nextSibling).toBe(next);
  });

  it("leaves a newer window alone when an older one's pagehide comes late", async () => {
    const { service, windows, video } = setUp({ pagehideLater: true });
    service.toggle();
    await settle();
    service.toggle();
    service.toggle();
    await settle();
    expect(windows).toHaveLength(2);
    expect(service.open()).toBe(true);
    expect(windows[1].document.body.contains(video)).toBe(true);
  });

  it('closes the window at hang-up, from its own button, with the video back in the page', async () => {
    const { service, facade, windows, video, stage, hide } = setUp();
    await hide();
    windows[0].document.querySelector<HTMLButtonElement>('[data-testid="pip-hang-up-button"]')?.click();
    TestBed.tick();
    expect(facade.hangUp).toHaveBeenCalledTimes(1);
    expect(windows[0].close).toHaveBeenCalled();
    expect(service.open()).toBe(false);
    expect(video.parentNode).toBe(stage);
  });

  it('takes a refusal quietly: nothing opens, nothing throws, and the next hidden page asks again', async () => {
    const { service, requestWindow, video, hide } = setUp();
    requestWindow.mockRejectedValueOnce(new DOMException('needs a user gesture', 'NotAllowedError'));
    jest.mocked(video.requestPictureInPicture).mockRejectedValueOnce(new DOMException('no gesture', 'NotAllowedError'));
    await hide();
    expect(service.open()).toBe(false);
    await hide('visible');
    await hide();
    expect(requestWindow).toHaveBeenCalledTimes(2);
    expect(service.open()).toBe(true);
  });

  it('does nothing when the person turned the setting off, and remembers that', async () => {
    const { service, requestWindow, storage, hide } = setUp();
    service.setAutoOpen(false);
    expect(storage.getItem(PIP_AUTO_OPEN_KEY)).toBe('off');
    await hide();
    expect(requestWindow).not.toHaveBeenCalled();
    TestBed.resetTestingModule();

    const again = setUp({ stored: { [PIP_AUTO_OPEN_KEY]: 'off' } });
    expect(again.service.autoOpen()).toBe(false);
    again.service.setAutoOpen(true);
    expect(again.storage.getItem(PIP_AUTO_OPEN_KEY)).toBeNull();
  });

  it('does nothing while no call is live', async () => {
    const { facade, requestWindow, hide } = setUp();
    facade.callState.set('calling');
    TestBed.tick();
    await hide();
    expect(requestWindow).not.toHaveBeenCalled();
  });

  it("leaves a tab switch to the browser where it opens picture-in-picture itself (MediaSession), and drops the offer when the setting is off or the call ends", async () => {
    const { service, facade, setActionHandler, requestWindow, hide } = setUp({ mediaSession: true });
    expect(setActionHandler).toHaveBeenLastCalledWith('enterpictureinpicture', expect.any(Function));
    await hide();
    expect(requestWindow).not.toHaveBeenCalled();

    const [, handler] = setActionHandler.mock.lastCall as [string, () => void];
    handler();
    await settle();
    expect(service.open()).toBe(true);

    service.setAutoOpen(false);
    TestBed.tick();
    expect(setActionHandler).toHaveBeenLastCalledWith('enterpictureinpicture', null);
    service.setAutoOpen(true);
    TestBed.tick();
    facade.callState.set('ended');
    TestBed.tick();
    expect(setActionHandler).toHaveBeenLastCalledWith('enterpictureinpicture', null);
    expect(service.open()).toBe(false);
  });

  it('asks on visibilitychange where the browser lacks the MediaSession action', async () => {
    const { requestWindow, service, hide } = setUp({ mediaSession: 'throws' });
    await hide();
    expect(requestWindow).toHaveBeenCalledTimes(1);
    expect(service.open()).toBe(true);
  });

  it("uses the video's own picture-in-picture where there is no Document Picture-in-Picture", async () => {
    const { service, video, hide } = setUp({ documentPip: false });
    await hide();
    expect(video.requestPictureInPicture).toHaveBeenCalledTimes(1);
    expect(service.open()).toBe(true);
  });

  it('toggles from the call stage button, and closes an automatically opened window when the person comes back', async () => {
    const { service, windows, hide } = setUp();
    service.toggle();
    await settle();
    expect(service.open()).toBe(true);
    service.toggle();
    expect(windows[0].close).toHaveBeenCalled();
    expect(service.open()).toBe(false);

    await hide();
    expect(service.open()).toBe(true);
    await hide('visible');
    expect(windows[1].close).toHaveBeenCalled();
  });
});
