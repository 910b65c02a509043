import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { isValidUsername } from '@duet/shared/protocol';
import {
  CallClosedError,
  DeviceKind,
  LocalMediaService,
  PREFERENCE_STORAGE,
  PeerService,
  PresenceService,
  SignalingClient,
  isInCall,
  readPreference,
  writePreference,
} from '@duet/web/rtc';
import { CallAlertsService } from './alerts/call-alerts.service';
import {
  CALL_ALREADY_ENDED,
  INVALID_NAME,
  SERVER_UNREACHABLE,
  SOMETHING_WENT_WRONG,
  invalidCallee,
  loginFailureSentence,
  noticeSentence,
} from './words';

/** The name last logged in with, so a reload logs in again by itself. */
export const REMEMBERED_NAME_KEY = 'duet.username';

/**
 * What the call page shows and what it can do: login, who is online, the call, the local media
 * controls, and one notice. Components stay presentational; decisions live here or in the rtc
 * services; sentences come from words.ts.
 */
@Injectable({ providedIn: 'root' })
export class CallFacade {
  private readonly signaling = inject(SignalingClient);
  private readonly peer = inject(PeerService);
  private readonly media = inject(LocalMediaService);
  private readonly presence = inject(PresenceService);
  private readonly alerts = inject(CallAlertsService);
  private readonly storage = inject(PREFERENCE_STORAGE);

  private readonly lastNotice = signal<string | null>(null);
  /** The ✕ on the "reconnecting" banner hides it until the connection state moves again. */
  private readonly connectionBannerDismissed = signal(false);

  readonly connectionState = this.signaling.connectionState;
  readonly currentUser = computed(() => this.signaling.session()?.username ?? null);
  readonly rememberedName = readPreference(this.storage, REMEMBERED_NAME_KEY);
  readonly users = this.presence.onlineUsers;
  readonly usersSampleOf = this.presence.sampleOf;
  readonly userMatches = computed(() => this.presence.matches()?.users ?? null);
  readonly moreUserMatches = computed(() => this.presence.matches()?.more ?? false);
  readonly loginPending = computed(() => this.signaling.loginState() === 'logging-in');
  readonly callState = this.peer.callState;
  readonly inCall = computed(() => isInCall(this.callState()));
  readonly remoteUser = this.peer.remoteUser;
  readonly remoteMedia = this.peer.remoteMedia;
  readonly connectedAt = this.peer.connectedAt;
  readonly localStream = this.peer.localStream;
  readonly remoteStream = this.peer.remoteStream;
  readonly micMuted = this.media.micMuted;
  readonly cameraOff = this.media.cameraOff;
  readonly screenSharing = this.media.screenSharing;
  readonly canShareScreen = this.media.canShareScreen;
  readonly previewing = this.media.previewing;
  readonly audioTrack = this.media.audioTrack;
  readonly devices = this.media.devices;
  readonly deviceChoices = this.media.choices;
  /** An unreachable server outranks anything else worth saying. */
  readonly notice = computed(() =>
    this.connectionState() === 'reconnecting' && !this.connectionBannerDismissed()
      ? SERVER_UNREACHABLE
      : this.lastNotice(),
  );

  constructor() {
    const destroyRef = inject(DestroyRef);
    this.peer.notices$
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((notice) => this.lastNotice.set(noticeSentence(notice)));
    this.signaling.loginFailures$
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((failure) => this.lastNotice.set(loginFailureSentence(failure)));
    this.signaling.session$.pipe(takeUntilDestroyed(destroyRef)).subscribe((session) => {
      if (session) writePreference(this.storage, REMEMBERED_NAME_KEY, session.username);
    });
    this.signaling.connectionState$
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe(() => this.connectionBannerDismissed.set(false));
    this.peer.callState$.pipe(takeUntilDestroyed(destroyRef)).subscribe((state) => {
      // Last call's "bob hung up." must not hang over the next one.
      if (state === 'calling' || state === 'ringing') this.lastNotice.set(null);
    });
  }

  /** Opens the connection and, with a name remembered from last time, logs in with it. */
  start(): void {
    this.signaling.connect();
    const name = this.rememberedName;
    if (name && isValidUsername(name)) this.signaling.logIn(name);
  }

  /** Looks people up by the start of their name (the search box of the user list). */
  searchUsers(text: string): void {
    this.presence.search(text);
  }

  /** From the log-in click (a user gesture): also readies ringing and notifications. */
  logIn(name: string): void {
    const username = name.trim();
    if (!isValidUsername(username)) {
      this.lastNotice.set(INVALID_NAME);
      return;
    }
    this.alerts.prepare();
    this.lastNotice.set(null);
    this.signaling.logIn(username);
  }

  /** Forgets the name and starts over with a fresh connection. */
  logOut(): void {
    this.peer.hangUp();
    this.media.stopPreview();
    writePreference(this.storage, REMEMBERED_NAME_KEY, null);
    this.signaling.disconnect();
    this.signaling.connect();
  }

  call(name: string): void {
    const target = name.trim();
    if (!isValidUsername(target)) {
      this.lastNotice.set(invalidCallee(target));
      return;
    }
    this.lastNotice.set(null);
    this.peer.call(target).catch((error: unknown) => this.lastNotice.set(describe(error)));
  }

  accept(): void {
    this.peer.accept().catch((error: unknown) => this.lastNotice.set(describe(error)));
  }

  decline(): void {
    try {
      this.peer.decline();
    } catch (error) {
      this.lastNotice.set(describe(error));
    }
  }

  hangUp(): void {
    this.peer.hangUp();
  }

  toggleMicrophone(): void {
    this.media.setMicMuted(!this.media.micMuted());
  }

  toggleCamera(): void {
    this.media.setCameraOff(!this.media.cameraOff());
  }

  toggleScreenShare(): void {
    if (this.media.screenSharing()) this.media.stopScreenShare();
    else void this.media.startScreenShare();
  }

  selectDevice(kind: DeviceKind, deviceId: string): void {
    void this.media.selectDevice(kind, deviceId);
  }

  togglePreview(): void {
    if (this.media.previewing()) this.media.stopPreview();
    else void this.media.startPreview();
  }

  /** Device labels only appear once access was granted; called when a chooser opens. */
  refreshDevices(): void {
    void this.media.refreshDevices();
  }

  dismissNotice(): void {
    if (this.notice() === SERVER_UNREACHABLE) this.connectionBannerDismissed.set(true);
    else this.lastNotice.set(null);
  }
}

function describe(error: unknown): string {
  if (error instanceof CallClosedError) return CALL_ALREADY_ENDED;
  return error instanceof Error ? error.message : SOMETHING_WENT_WRONG;
}
