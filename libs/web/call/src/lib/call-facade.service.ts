// Over 300 lines: the page's one view-model (login and sign-in, presence, call, notice); its sentences live in words.ts, its decisions in the rtc services.
import { DestroyRef, Injectable, Injector, computed, effect, inject, signal, untracked } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { isGuestUsername, isValidUsername, parseGuestUsername, usernameKey } from '@duet/shared/protocol';
import {
  CallClosedError,
  DeviceKind,
  EffectChoices,
  GuestsService,
  LocalMediaService,
  PREFERENCE_STORAGE,
  PeerService,
  PresenceService,
  SIGN_IN_FLOW,
  SignalingClient,
  TAB_STORAGE,
  WEBRTC_AVAILABLE,
  isInCall,
  readPreference,
  writePreference,
} from '@duet/web/rtc';
import { InCallChannels } from '@duet/web/in-call/session';
import { map, of, switchMap, timer } from 'rxjs';
import { CallAlertsService } from './alerts/call-alerts.service';
import { guestProblemSentence, shownName, withShownPeer } from './guest/guest-words';
import { LoginProblem } from './login-form/login-form.component';
import { LoginRetry } from './login-retry';
import {
  CALL_ALREADY_ENDED,
  INVALID_NAME,
  NO_WEBRTC,
  SOMETHING_WENT_WRONG,
  callStatusSentence,
  connectionProblemSentence,
  identityLoginFailureSentence,
  invalidCallee,
  loginFailureBlamesName,
  loginFailureSentence,
  nameInUseElsewhere,
  notDisturbed,
  noticeSentence,
} from './words';

/** The name last logged in with in this browser: the login form offers it, in any tab. */
export const REMEMBERED_NAME_KEY = 'duet.username';
/**
 * The name this tab logged in with (sessionStorage), so a reload logs in again by itself. Per tab:
 * a second tab that logged in by itself with the first tab's name would only be told it is taken.
 */
export const TAB_NAME_KEY = 'duet.tab-username';

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
  private readonly tabStorage = inject(TAB_STORAGE);
  private readonly webrtc = inject(WEBRTC_AVAILABLE);
  private readonly signIn = inject(SIGN_IN_FLOW);
  private readonly injector = inject(Injector);

  private readonly lastNotice = signal<string | null>(null);
  /** Who the last call went to, when the server declined it for them (do not disturb). */
  private readonly notDisturbedBy = signal<string | null>(null);
  private readonly loginProblemState = signal<LoginProblem | null>(null);
  /**
   * The last login sent (`name` null: as the credentials' identity, with no name), and whether this
   * tab sent it by itself on load (not a click).
   */
  private lastLogin: { name: string | null; automatic: boolean } | null = null;
  private readonly loginRetry = new LoginRetry();
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
  /** Whose guest I am (issue 25), null for a member: a guest may call only them. */
  readonly inviter = computed(() => parseGuestUsername(this.currentUser() ?? '')?.inviter ?? null);
  readonly isGuest = computed(() => isGuestUsername(this.currentUser() ?? ''));
  /** My guests online now (a member's lobby says they are waiting). */
  readonly guests = inject(GuestsService).guests;
  /** A guest's session is over for good (invite revoked or expired): trying again cannot help. */
  readonly guestSessionEnded = computed(() => {
    const problem = this.signaling.problem();
    const me = this.currentUser();
    return problem !== null && me !== null && guestProblemSentence(problem, me) !== null;
  });
  /** What the page shows before the lobby: the name form, or a sign-in (`@duet/web/rtc` SIGN_IN_FLOW). */
  readonly signInStep = this.signIn.step;
  private readonly tabName = readPreference(this.tabStorage, TAB_NAME_KEY);
  /** What the login form offers: this tab's name, else the one last used in this browser. */
  readonly rememberedName = this.tabName ?? readPreference(this.storage, REMEMBERED_NAME_KEY);
  /** Why the last login failed, said in the login form (not in the notice). */
  readonly loginProblem = this.loginProblemState.asReadonly();
  readonly users = this.presence.onlineUsers;
  readonly usersSampleOf = this.presence.sampleOf;
  /** Who is in a call (`usernameKey`s), for the online list. */
  readonly busyUsers = this.presence.busy;
  readonly userMatches = computed(() => this.presence.matches()?.users ?? null);
  readonly moreUserMatches = computed(() => this.presence.matches()?.more ?? false);
  readonly loginPending = computed(() => this.signaling.loginState() === 'logging-in');
  readonly callState = this.peer.callState;
  readonly inCall = computed(() => isInCall(this.callState()));
  /** The call screen shows (a call placed, being set up or on); a ringing call is still answered from the lobby. */
  readonly onStage = computed(() => this.inCall() && this.callState() !== 'ringing');
  private readonly callStartedState = signal(false);
  /** Whether the current (or last) call ever connected: one that never started did not "end". */
  readonly callStarted = this.callStartedState.asReadonly();
  /** What `call-status` says: a call that never connected (nobody answered, or they were offline) reads as no call. */
  readonly callStatusText = computed(() => {
    const state = this.callState();
    const notDisturbedBy = this.notDisturbedBy();
    if (state === 'ended' && notDisturbedBy !== null) return notDisturbed(shownName(notDisturbedBy));
    const peer = this.remoteUser();
    return callStatusSentence(state === 'ended' && !this.callStarted() ? 'idle' : state, peer && shownName(peer), this.ringingDevices());
  });
  /** While calling: the callee is offline and the server rings their devices. */
  readonly ringingDevices = this.peer.ringingDevices;
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
  readonly effectChoices = this.media.effectChoices;
  readonly effectSupport = this.media.effectSupport;
  /**
   * A connection problem outranks anything else worth saying; the last notice is kept under it, and
   * shows again once the connection is back.
   */
  readonly notice = computed(() => {
    const problem = this.shownProblem();
    // In a call the stage's own flag (signaling-offline) says the server is gone and the call goes
    // on; a banner too would say it twice, and push the video down.
    const saidOnStage = problem?.kind === 'unreachable' && this.onStage();
    if (!problem || saidOnStage || this.connectionBannerDismissed()) return this.lastNotice();
    return guestProblemSentence(problem, this.currentUser() ?? '') ?? connectionProblemSentence(problem, this.inCall());
  });

  constructor() {
    // The call's data channels open on the connection as soon as it exists, before the first offer
    // or answer: they must not wait for the call screen (and the features that come with its chunk)
    // to be drawn. Without a camera, as on a page that is not a secure context, a call connects
    // before the next frame; what arrives meanwhile is held for the features.
    inject(InCallChannels);
    const destroyRef = inject(DestroyRef);
    this.peer.notices$
      .pipe(takeUntilDestroyed(destroyRef))
      .subscribe((notice) => {
        this.lastNotice.set(noticeSentence(withShownPeer(notice)));
        if (notice.code === 'dnd') this.notDisturbedBy.set(notice.peer);
      });
    destroyRef.onDestroy(() => this.loginRetry.reset());
    this.signaling.loginFailures$.pipe(takeUntilDestroyed(destroyRef)).subscribe((failure) => {
      const last = this.lastLogin;
      const name = last?.name ?? null;
      this.loginProblemState.set({
        text:
          name === null
            ? identityLoginFailureSentence(failure)
            : last?.automatic && failure.reason === 'taken'
              ? nameInUseElsewhere(name)
              : loginFailureSentence(failure),
        blamesName: name !== null && loginFailureBlamesName(failure.reason),
      });
      // The server's trouble, not the person's: try again by itself (the words say so).
      if (failure.reason === 'unavailable' && last) {
        this.loginRetry.schedule(() => (name === null ? this.signaling.logInAsIdentity() : this.signaling.logIn(name)));
      }
    });
    this.signaling.session$.pipe(takeUntilDestroyed(destroyRef)).subscribe((session) => {
      if (!session) return;
      this.loginRetry.reset();
      this.loginProblemState.set(null);
      writePreference(this.storage, REMEMBERED_NAME_KEY, session.username);
      writePreference(this.tabStorage, TAB_NAME_KEY, session.username);
    });
    this.signaling.problem$.pipe(takeUntilDestroyed(destroyRef)).subscribe((problem) => {
      this.connectionBannerDismissed.set(false);
      // The connection problem is what is wrong now; the banner says it, once.
      if (problem) this.loginProblemState.set(null);
      // A revoked invite is over for good: the tab forgets the guest session, so a reload does not
      // try it again (and say "expired"). The page keeps saying why until the guest leaves.
      if (problem?.kind === 'access-revoked' && this.isGuest()) {
        this.signIn.signOut().catch((error: unknown) => console.warn('[sign-in] signing out failed', error));
      }
    });
    this.peer.callState$.pipe(takeUntilDestroyed(destroyRef)).subscribe((state) => {
      // Last call's "bob hung up." must not hang over the next one.
      if (state === 'calling' || state === 'ringing') this.lastNotice.set(null);
      if (state === 'calling' || state === 'ringing') this.callStartedState.set(false);
      if (state === 'calling' || state === 'ringing') this.notDisturbedBy.set(null);
      if (state === 'connected') this.callStartedState.set(true);
    });
  }

  /**
   * At the `identity` sign-in step (now or once the sign-in gets there), logs in as the credentials'
   * name. At the name form, with a name this tab logged in with before (a reload), logs in with it.
   * Without one, opens nothing: the server closes a socket that does not log in, and an idle login
   * page must stay quiet. A name from another tab is only offered in the form: that tab may well be using it.
   */
  start(): void {
    effect(
      () => {
        if (this.signInStep().kind === 'identity') untracked(() => this.logInAsIdentity(true));
      },
      { injector: this.injector },
    );
    const name = this.tabName;
    if (this.signInStep().kind !== 'name-form' || !this.webrtc || !name || !isValidUsername(name)) return;
    this.lastLogin = { name, automatic: true };
    this.signaling.logIn(name);
  }

  /** Looks people up by the start of their name (the search box of the user list). */
  searchUsers(text: string): void {
    this.presence.search(text);
  }

  /** From the log-in click (a user gesture): also readies ringing and notifications. */
  logIn(name: string): void {
    const username = name.trim();
    this.loginRetry.reset();
    if (!this.webrtc) {
      // Online here, this page would be rung and could never answer: the caller would hear "hung up".
      this.loginProblemState.set({ text: NO_WEBRTC, blamesName: false });
      return;
    }
    if (!isValidUsername(username)) {
      this.loginProblemState.set({ text: INVALID_NAME, blamesName: true });
      return;
    }
    this.alerts.prepare();
    this.lastNotice.set(null);
    this.loginProblemState.set(null);
    this.lastLogin = { name: username, automatic: false };
    this.signaling.logIn(username);
  }

  /**
   * The `identity` step: logs in with no name, as whoever the credentials name. By itself on start
   * (`automatic`), and when the person tries again; not while a login is up or under way.
   */
  logInAsIdentity(automatic = false): void {
    if (this.signaling.loginState() !== 'logged-out') return;
    this.loginRetry.reset();
    if (!this.webrtc) {
      this.loginProblemState.set({ text: NO_WEBRTC, blamesName: false });
      return;
    }
    // Ringing and notifications may only be readied from a click.
    if (!automatic) this.alerts.prepare();
    this.loginProblemState.set(null);
    this.lastLogin = { name: null, automatic };
    this.signaling.logInAsIdentity();
  }

  /** An invite link's page: join as a guest with this display name (then the `identity` login runs). */
  joinAsGuest(displayName: string): void {
    // Ringing may only be readied from a click: this is the guest's.
    this.alerts.prepare();
    this.signIn.join?.(displayName);
  }

  /** The company sign-in (OIDC): off to the provider's page. */
  startSignIn(): void {
    this.signIn.startSignIn();
  }

  /**
   * Forgets the name and closes the connection cleanly (the server frees the name at once), then
   * ends the sign-in too (at the company's provider for OIDC, which may leave the page).
   */
  async logOut(): Promise<void> {
    this.loginRetry.reset();
    this.peer.hangUp();
    this.media.stopPreview();
    writePreference(this.storage, REMEMBERED_NAME_KEY, null);
    writePreference(this.tabStorage, TAB_NAME_KEY, null);
    await this.signaling.disconnect();
    await this.signIn.signOut().catch((error: unknown) => console.warn('[sign-in] signing out failed', error));
  }

  /** After a refusal: connect again now (with a fresh token, if the embedding app provides them). */
  retryConnection(): void {
    this.signaling.retry();
  }

  call(name: string): void {
    const target = name.trim();
    // A guest's wire name (`guest:<me>:<display name>`) is no member name, but a member calls their guest by it.
    if (!isValidUsername(target) && parseGuestUsername(target) === undefined) {
      this.lastNotice.set(invalidCallee(target));
      return;
    }
    this.lastNotice.set(null);
    this.peer.call(this.knownSpelling(target)).catch((error: unknown) => this.lastNotice.set(describe(error)));
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
    void this.media.setCameraOff(!this.media.cameraOff());
  }

  toggleScreenShare(): void {
    if (this.media.screenSharing()) this.media.stopScreenShare();
    else void this.media.startScreenShare();
  }

  selectDevice(kind: DeviceKind, deviceId: string): void {
    void this.media.selectDevice(kind, deviceId);
  }

  setEffects(change: Partial<EffectChoices>): void {
    void this.media.setEffects(change);
  }

  togglePreview(): void {
    if (this.media.previewing()) this.media.stopPreview();
    else void this.media.startPreview();
  }

  /** Device labels only appear once access was granted; called when a chooser opens. */
  refreshDevices(): void {
    void this.media.refreshDevices();
  }

  /**
   * The name as the online list has it when the typed one differs only in letter case ("Bob" for
   * bob), so the call shows the person's own spelling from the start; the server confirms it when
   * the call rings.
   */
  private knownSpelling(typed: string): string {
    const key = usernameKey(typed);
    const listed = [...this.presence.onlineUsers(), ...(this.presence.matches()?.users ?? [])];
    return listed.find((name) => usernameKey(name) === key) ?? typed;
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
