import { Injectable, computed, effect, inject, signal, untracked } from '@angular/core';
import { PREFERENCE_STORAGE, readPreference, writePreference } from '@duet/web/rtc';
import { CallFacade } from '../call-facade.service';
import { shownName } from '../guest/guest-words';
import { PIP_BROWSER } from './pip-browser';
import { isLiveCall, shouldOpenOnHidden } from './pip-decision';
import { PipWindowView, furnishPipWindow } from './pip-window';

/** "Open picture-in-picture when I switch tabs": stored only when turned off (on by default). */
export const PIP_AUTO_OPEN_KEY = 'duet.pip-on-tab-switch';
const PIP_WINDOW_SIZE = { width: 360, height: 300 };

/**
 * The call in picture-in-picture: Document Picture-in-Picture where the browser has it (a small
 * window with the remote video itself, mute and hang-up), the `<video>`'s own picture-in-picture
 * otherwise. The call stage's button toggles it; with the person's setting on (the default) it
 * also opens when the page is hidden during a live call: through MediaSession's
 * `enterpictureinpicture` action where the browser offers it (Chrome opens it on a tab switch, with
 * the user activation a request needs), else by asking on `visibilitychange`, which a browser may
 * refuse for want of a gesture (quietly: nothing to tell the person). It closes when the call ends.
 */
@Injectable({ providedIn: 'root' })
export class PictureInPictureService {
  private readonly browser = inject(PIP_BROWSER);
  private readonly facade = inject(CallFacade);
  private readonly storage = inject(PREFERENCE_STORAGE);
  private readonly document = this.browser.document;

  private readonly autoOpenState = signal(readPreference(this.storage, PIP_AUTO_OPEN_KEY) !== 'off');
  readonly autoOpen = this.autoOpenState.asReadonly();
  private readonly openState = signal(false);
  /** Whether the call shows in picture-in-picture now (either kind). */
  readonly open = this.openState.asReadonly();
  /** Whether this browser can show the call in picture-in-picture at all. */
  readonly supported = this.browser.documentPictureInPicture !== null || this.document.pictureInPictureEnabled === true;

  private readonly video = signal<HTMLVideoElement | null>(null);
  private readonly view = signal<PipWindowView | null>(null);
  private pipWindow: Window | null = null;
  /** Marks the video's place in the page while it is in the window. */
  private videoHome: Comment | null = null;
  private requesting = false;
  /** Opened by itself (tab switch): closed again when the person comes back. */
  private openedAutomatically = false;
  private browserOpensIt = false;

  constructor() {
    const live = computed(() => isLiveCall(this.facade.callState()));
    effect(() => {
      const wanted = live() && this.autoOpen() && this.video() !== null;
      untracked(() => this.offerToBrowser(wanted));
    });
    effect(() => {
      if (!live()) untracked(() => this.close());
    });
    effect(() => this.view()?.setMuted(this.facade.micMuted()));
  }

  /** The call stage hands in its remote video while it shows; `detach` when it goes. */
  attach(video: HTMLVideoElement): void {
    this.video.set(video);
    video.addEventListener('enterpictureinpicture', this.onVideoEnter);
    video.addEventListener('leavepictureinpicture', this.onVideoLeave);
    this.document.addEventListener('visibilitychange', this.onVisibilityChange);
  }

  detach(): void {
    const video = this.video();
    this.close();
    video?.removeEventListener('enterpictureinpicture', this.onVideoEnter);
    video?.removeEventListener('leavepictureinpicture', this.onVideoLeave);
    this.document.removeEventListener('visibilitychange', this.onVisibilityChange);
    this.video.set(null);
  }

  setAutoOpen(on: boolean): void {
    this.autoOpenState.set(on);
    writePreference(this.storage, PIP_AUTO_OPEN_KEY, on ? null : 'off');
  }

  /** The call stage's button. */
  toggle(): void {
    if (this.openState()) this.close();
    else void this.show(false);
  }

  close(): void {
    this.openedAutomatically = false;
    if (this.pipWindow) {
      const pip = this.pipWindow;
      this.returnVideo();
      pip.close();
    }
    if (this.document.pictureInPictureElement) void this.document.exitPictureInPicture().catch(() => undefined);
  }

  private async show(automatically: boolean): Promise<void> {
    const video = this.video();
    if (!video || this.openState() || this.requesting) return;
    this.requesting = true;
    try {
      if (await this.showWindow(video)) {
        this.openedAutomatically = automatically;
        return;
      }
      if (this.document.pictureInPictureEnabled !== true) return;
      await video.requestPictureInPicture();
      this.openedAutomatically = automatically;
    } catch {
      // Refused (no user gesture, or the person closed one a moment ago): not worth a word.
    } finally {
      this.requesting = false;
    }
  }

  /** Document Picture-in-Picture, where the browser has it; false when it does not or refused. */
  private async showWindow(video: HTMLVideoElement): Promise<boolean> {
    const api = this.browser.documentPictureInPicture;
    if (!api) return false;
    let pip: Window;
    try {
      pip = await api.requestWindow(PIP_WINDOW_SIZE);
    } catch {
      return false;
    }
    // The call may have ended, or the stage gone, while the browser was opening it.
    if (this.video() !== video || !isLiveCall(this.facade.callState())) {
      pip.close();
      return true;
    }
    this.pipWindow = pip;
    this.videoHome = this.document.createComment('picture-in-picture');
    video.before(this.videoHome);
    this.view.set(
      furnishPipWindow(pip, this.document, video, shownName(this.facade.remoteUser() ?? ''), {
        toggleMicrophone: () => this.facade.toggleMicrophone(),
        hangUp: () => this.facade.hangUp(),
      }),
    );
    // Only this window's own closing: a late `pagehide` must not take the video from a newer one.
    pip.addEventListener('pagehide', () => this.pipWindow === pip && this.returnVideo(), { once: true });
    this.openState.set(true);
    return true;
  }

  /** The window closed (by the person, or by us): the video goes back where it was in the page. */
  private returnVideo(): void {
    const video = this.video();
    if (this.videoHome && video) {
      this.videoHome.replaceWith(video);
      void Promise.resolve()
        .then(() => video.play())
        .catch(() => undefined);
    }
    this.videoHome = null;
    this.pipWindow = null;
    this.view.set(null);
    this.openState.set(false);
  }

  /** Chrome's automatic picture-in-picture: registered only while it should open by itself. */
  private offerToBrowser(wanted: boolean): void {
    const session = this.browser.mediaSession;
    if (!session || wanted === this.browserOpensIt) return;
    try {
      session.setActionHandler('enterpictureinpicture', wanted ? () => void this.show(true) : null);
      this.browserOpensIt = wanted;
    } catch {
      this.browserOpensIt = false; // a browser without the action throws: `visibilitychange` it is
    }
  }

  private readonly onVisibilityChange = (): void => {
    const hidden = this.document.visibilityState === 'hidden';
    if (!hidden && this.openedAutomatically) {
      this.close();
      return;
    }
    const situation = {
      hidden,
      callState: this.facade.callState(),
      autoOpen: this.autoOpen(),
      open: this.openState() || this.requesting,
      browserOpensIt: this.browserOpensIt,
    };
    if (shouldOpenOnHidden(situation)) void this.show(true);
  };

  private readonly onVideoEnter = (): void => this.openState.set(true);
  private readonly onVideoLeave = (): void => {
    this.openState.set(false);
    this.openedAutomatically = false;
  };
}
