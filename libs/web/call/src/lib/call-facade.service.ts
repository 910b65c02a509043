import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
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
import { map, of, switchMap, timer } from 'rxjs';
import { CallAlertsService } from './alerts/call-alerts.service';
import {
  CALL_ALREADY_ENDED,
  INVALID_NAME,
  SOMETHING_WENT_WRONG,
  connectionProblemSentence,
  invalidCallee,
  loginFailureSentence,
  noticeSentence,
} from './words';

/** The name last logged in with, so a reload logs in again by itself. */
export const REMEMBERED_NAME_KEY = 'duet.username';

/**
 * An outage shorter than this (a resume after a blip, a server that restarts at once) is not
 * worth a banner that screen readers announce; refusals are said at once.
 */
export const OUTAGE_NOTICE_DELAY_MS = 1_000;

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
  /** The ✕ on a connection banner hides it until the connection problem changes. */
  private readonly connectionBannerDismissed = signal(false);
  private readonly shownProblem = toSignal(
    this.signaling.problem$.pipe(
      switchMap((problem) =>
        problem?.kind === 'unreachable' ? timer(OUTAGE_NOTICE_DELAY_MS).pipe(map(() => problem)) : of(problem),
      ),
    ),
    { initialValue: null },
  );

  readonly connectionState = this.signaling.connectionState;
  /** Logged in and connected: calls can be placed, and the online list is current. */
  readonly online = computed(() => this.connectionState() === 'open' && this.signaling.session() !== null);
  /** The server refuses us (401/403): only the user can change that, by trying again. */
  readonly refused = computed(() => this.connectionState() === 'refused');
  readonly currentUser = computed(() => this.signaling.session()?.username ?? null);
  readonly rememberedName = readPreference(this.storage, REMEMBERED_NAME_KEY);
  readonly users = this.presence.onlineUsers;
  readonly usersSampleOf = this.presence.sampleOf;
  /** Who is in a call (`usernameKey`s), for the online list. */
  readonly busyUsers = this.presence.busy;
  readonly userMatches = computed(() => this.presence.matches()?.users ?? null);
  readonly moreUserMatches = computed(() => this.presence.matches()?.more ?? false);
  readonly loginPending = computed(() => this.signaling.loginState() === 'logging-in');
  readonly callState = this.peer.callState;
  readonly inCall = computed(() => isInCall(this.callState()));
  readonly remoteUser = this.peer.remoteUser;
  readonly remoteMedia = this.peer.remoteMedia;
  readonly connectedAt = this.peer.connectedAt;
  readonly peerReconnecting = this.peer.peerReconnecting;
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
  /**
   * A connection problem outranks anything else worth saying; the last notice is kept under it, and
   * shows again once the connection is back.
   */
  readonly notice = computed(() => {
    const problem = this.shownProblem();
    return problem && !this.connectionBannerDismissed()
      ? connectionProblemSentence(problem, this.inCall())
      : this.lastNotice();
  });

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
    this.signaling.problem$
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe(() => this.connectionBannerDismissed.set(false));
    this.peer.callState$.pipe(takeUntilDestroyed(destroyRef)).subscribe((state) => {
      // Last call's "bob hung up." must not hang over the next one.
      if (state === 'calling' || state === 'ringing') this.lastNotice.set(null);
    });
  }

  /**
   * With a name remembered from last time, logs in with it. Without one, opens nothing: the server
   * closes a socket that does not log in, and an idle login page must stay quiet.
   */
  start(): void {
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

  /** Forgets the name and closes the connection (the next login opens a new one). */
  logOut(): void {
    this.peer.hangUp();
    this.media.stopPreview();
    writePreference(this.storage, REMEMBERED_NAME_KEY, null);
    this.signaling.disconnect();
  }

  /** After a refusal: connect again now (with a fresh token, if the embedding app provides them). */
  retryConnection(): void {
    this.signaling.retry();
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
    if (this.shownProblem() && !this.connectionBannerDismissed()) this.connectionBannerDismissed.set(true);
    else this.lastNotice.set(null);
  }
}

function describe(error: unknown): string {
  if (error instanceof CallClosedError) return CALL_ALREADY_ENDED;
  return error instanceof Error ? error.message : SOMETHING_WENT_WRONG;
}
