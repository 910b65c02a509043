import { DOCUMENT, DestroyRef, Injectable, InjectionToken, effect, inject } from '@angular/core';
import { CallState, PeerService } from '@duet/web/rtc';
import { shownName } from '../guest/guest-words';
import { INCOMING_TITLE, NOTIFICATION_BODY, NOTIFICATION_TITLE } from '../words';
import { RINGBACK, RINGTONE, TonePlayer } from './tone-player';

/** Web Audio, or null where there is none; a token so unit tests hand in a fake. */
export const AUDIO_CONTEXT_FACTORY = new InjectionToken<() => AudioContext | null>('AUDIO_CONTEXT_FACTORY', {
  providedIn: 'root',
  factory: () => () => (typeof AudioContext === 'function' ? new AudioContext() : null),
});

/**
 * Makes a call noticeable away from the page: a ringtone while ringing, ringback while calling,
 * the tab title, and a system notification when the tab is hidden. Notification permission is
 * only ever asked for from a user gesture (`prepare()`, called on the log-in click).
 */
@Injectable({ providedIn: 'root' })
export class CallAlertsService {
  private readonly peer = inject(PeerService);
  private readonly document = inject(DOCUMENT);
  private readonly tones = new TonePlayer(inject(AUDIO_CONTEXT_FACTORY));
  private readonly baseTitle = this.document.title;
  private notification: Notification | null = null;
  private caller: string | null = null;

  constructor() {
    effect(() => this.follow(this.peer.callState(), this.peer.remoteUser()));
    const onVisibility = () => this.notifyIfHidden();
    this.document.addEventListener('visibilitychange', onVisibility);
    inject(DestroyRef).onDestroy(() => {
      this.document.removeEventListener('visibilitychange', onVisibility);
      this.closeNotification();
      this.tones.dispose();
      this.document.title = this.baseTitle;
    });
  }

  /** From a user gesture: lets tones play later, and asks once whether calls may notify. */
  prepare(): void {
    this.tones.unlock();
    const notifications = this.document.defaultView?.Notification;
    if (notifications?.permission === 'default') void notifications.requestPermission().catch(() => undefined);
  }

  private follow(state: CallState, peer: string | null): void {
    const ringing = state === 'ringing' && peer !== null;
    // A guest by their display name (the tab title and the notification are text too).
    this.caller = ringing ? shownName(peer) : null;
    if (ringing) {
      this.tones.play(RINGTONE);
      this.document.title = INCOMING_TITLE(this.caller ?? peer);
      this.notifyIfHidden();
      return;
    }
    this.closeNotification();
    this.document.title = this.baseTitle;
    if (state === 'calling') this.tones.play(RINGBACK);
    else this.tones.stop();
  }

  private notifyIfHidden(): void {
    const notifications = this.document.defaultView?.Notification;
    const caller = this.caller;
    if (!caller || this.notification || this.document.visibilityState !== 'hidden') return;
    if (notifications?.permission !== 'granted') return;
    const notification = new notifications(NOTIFICATION_TITLE(caller), {
      body: NOTIFICATION_BODY,
      tag: 'duet-incoming-call',
      requireInteraction: true,
    });
    notification.onclick = () => {
      this.document.defaultView?.focus();
      notification.close();
    };
    this.notification = notification;
  }

  private closeNotification(): void {
    this.notification?.close();
    this.notification = null;
  }
}
