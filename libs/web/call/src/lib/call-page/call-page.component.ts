import { ChangeDetectionStrategy, Component, DOCUMENT, ElementRef, afterNextRender, afterRenderEffect, computed, inject, signal } from '@angular/core';
import { displayNameOf } from '@duet/shared/protocol';
import { AccountsPanelComponent, MissedCallsBadgeComponent } from '@duet/web/accounts';
import { LOG_OUT_HOOKS } from '@duet/web/accounts/shell';
import { CallRatingComponent } from '@duet/web/in-call';
import { PresenceService, SECURE_CONTEXT, WEBRTC_AVAILABLE } from '@duet/web/rtc';
import { AvailabilitySelectComponent } from '../availability/availability-select.component';
import { CallFacade } from '../call-facade.service';
import { CallFormComponent } from '../call-form/call-form.component';
import { CallStageComponent } from '../call-stage/call-stage.component';
import { IncomingCallComponent } from '../incoming-call/incoming-call.component';
import { LobbyPreviewComponent } from '../lobby-preview/lobby-preview.component';
import { LoginFormComponent } from '../login-form/login-form.component';
import { GuestLobbyComponent } from '../guest/guest-lobby.component';
import { shownName } from '../guest/guest-words';
import { GuestsWaitingComponent } from '../guest/guests-waiting.component';
import { DeviceSelection } from '../media/device-settings.component';
import { canChooseSpeaker } from '../media/sink-id.directive';
import { NoticeComponent } from '../notice/notice.component';
import { SecureContextBannerComponent } from '../secure-context/secure-context-banner.component';
import type { PanelStep } from '../sign-in-panel/sign-in-panel.component';
import { SignInPanelComponent } from '../sign-in-panel/sign-in-panel.component';
import { UserListComponent } from '../user-list/user-list.component';
import {
  CALLS_NEED_CONNECTION,
  LEAVE_CALL_WARNING,
  ONLINE_LIST_STALE,
  TRY_AGAIN,
  connectionLabel,
} from '../words';
import { CallParts } from './call-parts';
import { FOCUS_TARGETS, Screen } from './focus-targets';
import { ShownDirective } from './shown.directive';

/** The whole app on one page: log in, see who is online, call, talk, hang up. */
@Component({
  selector: 'duet-call-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    AccountsPanelComponent,
    AvailabilitySelectComponent,
    CallFormComponent,
    CallRatingComponent,
    CallStageComponent,
    GuestLobbyComponent,
    GuestsWaitingComponent,
    IncomingCallComponent,
    LobbyPreviewComponent,
    LoginFormComponent,
    MissedCallsBadgeComponent,
    NoticeComponent,
    SecureContextBannerComponent,
    ShownDirective,
    SignInPanelComponent,
    UserListComponent,
  ],
  host: {
    '[class.in-call]': 'showStage()',
    '(window:beforeunload)': 'warnBeforeLeavingCall($event)',
  },
  templateUrl: './call-page.component.html',
  styleUrl: './call-page.component.css',
})
export class CallPageComponent {
  private readonly facade = inject(CallFacade);

  protected readonly currentUser = this.facade.currentUser;
  protected readonly rememberedName = this.facade.rememberedName;
  protected readonly loginProblem = this.facade.loginProblem;
  /** The sign-in step when it is not the name form (which `duet-login-form` is), else null. */
  protected readonly signInPanelStep = computed<PanelStep | null>(() => {
    const step = this.facade.signInStep();
    return step.kind === 'name-form' ? null : step;
  });
  protected readonly users = this.facade.users;
  protected readonly userAvailability = inject(PresenceService).availability;
  /** Whose guest I am (null for a member), my guests online, and whether a guest's session is over. */
  protected readonly inviter = this.facade.inviter;
  protected readonly guests = this.facade.guests;
  protected readonly guestSessionEnded = this.facade.guestSessionEnded;
  protected readonly displayNameOf = displayNameOf;
  protected readonly shownName = shownName;
  protected readonly usersSampleOf = this.facade.usersSampleOf;
  protected readonly busyUsers = this.facade.busyUsers;
  protected readonly userMatches = this.facade.userMatches;
  protected readonly moreUserMatches = this.facade.moreUserMatches;
  protected readonly loginPending = this.facade.loginPending;
  protected readonly callState = this.facade.callState;
  protected readonly remoteUser = this.facade.remoteUser;
  protected readonly localStream = this.facade.localStream;
  protected readonly audioTrack = this.facade.audioTrack;
  protected readonly previewing = this.facade.previewing;
  protected readonly devices = this.facade.devices;
  protected readonly deviceChoices = this.facade.deviceChoices;
  protected readonly notice = this.facade.notice;
  protected readonly inCall = this.facade.inCall;
  protected readonly speakerChoice = canChooseSpeaker();
  /** The page cannot call at all, or not with a camera: the banner says why. */
  protected readonly environmentWarning = !inject(WEBRTC_AVAILABLE) || !inject(SECURE_CONTEXT);
  protected readonly online = this.facade.online;
  protected readonly refused = this.facade.refused;
  protected readonly tryAgain = TRY_AGAIN;
  protected readonly callsNeedConnection = CALLS_NEED_CONNECTION;
  protected readonly onlineListStale = ONLINE_LIST_STALE;
  protected readonly connectionLabel = computed(() =>
    connectionLabel(this.facade.connectionState(), this.currentUser() !== null),
  );
  protected readonly statusText = this.facade.callStatusText;
  protected readonly callStarted = this.facade.callStarted;
  protected readonly showStage = this.facade.onStage;
  /** In a call, the stage's own flag says the server is gone: the header does not say it a second time. */
  protected readonly showConnectionLabel = computed(() => !this.showStage() || this.online());
  private readonly screen = computed<Screen>(() => {
    if (!this.currentUser()) return 'login';
    if (this.showStage()) return 'stage';
    return this.callState() === 'ringing' ? 'ringing' : 'lobby';
  });
  private readonly callParts = inject(CallParts);
  protected readonly callPartsReady = this.callParts.ready;
  /** Counts first renders of the parts that come as their own chunk, a moment after `screen` changed. */
  private readonly deferredRenders = signal(0);
  private readonly host: HTMLElement = inject(ElementRef).nativeElement;
  private readonly document = inject(DOCUMENT);
  private readonly logOutHooks = inject(LOG_OUT_HOOKS);

  constructor() {
    this.facade.start();
    afterNextRender(() => this.callParts.load());
    // When what had focus goes away (the login form, the ringing prompt, the stage) or is disabled
    // (Log in, while pending), focus would fall to <body>, many Tabs from anything. It goes to where
    // the next step is instead. It never moves focus a person put somewhere else.
    afterRenderEffect(() => {
      const screen = this.screen();
      this.deferredRenders();
      this.loginPending();
      this.callState();
      const active = this.document.activeElement;
      if (active && active !== this.document.body) return;
      this.host.querySelector<HTMLElement>(FOCUS_TARGETS[screen])?.focus();
    });
  }

  protected deferredShown(): void {
    this.deferredRenders.update((count) => count + 1);
  }

  protected logIn(name: string): void {
    this.facade.logIn(name);
  }

  protected logInAsIdentity(): void {
    this.facade.logInAsIdentity();
  }

  protected joinAsGuest(displayName: string): void {
    this.facade.joinAsGuest(displayName);
  }

  protected startSignIn(): void {
    this.facade.startSignIn();
  }

  /**
   * A browser someone logged out of stops ringing them (and showing their callers' names to the
   * next person): the accounts library's log-out steps run while the token still works, then the
   * socket closes.
   */
  protected async logOut(): Promise<void> {
    await this.logOutHooks.run();
    await this.facade.logOut();
  }

  protected retryConnection(): void {
    this.facade.retryConnection();
  }

  protected searchUsers(text: string): void {
    this.facade.searchUsers(text);
  }

  protected callUser(name: string): void {
    this.facade.call(name);
  }

  protected acceptCall(): void {
    this.facade.accept();
  }

  protected declineCall(): void {
    this.facade.decline();
  }

  protected togglePreview(): void {
    this.facade.togglePreview();
  }

  protected selectDevice(selection: DeviceSelection): void {
    this.facade.selectDevice(selection.kind, selection.deviceId);
  }

  protected refreshDevices(): void {
    this.facade.refreshDevices();
  }

  protected dismissNotice(): void {
    this.facade.dismissNotice();
  }

  /** Closing or reloading the tab mid-call ends the call: the browser asks first. */
  protected warnBeforeLeavingCall(event: BeforeUnloadEvent): void {
    if (!this.inCall()) return;
    event.preventDefault();
    // Older browsers show a prompt only when returnValue is set (modern ones show their own text).
    event.returnValue = LEAVE_CALL_WARNING;
  }
}
