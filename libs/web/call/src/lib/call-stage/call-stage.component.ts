import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  DestroyRef,
  ElementRef,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { CallFacade } from '../call-facade.service';
import { DeviceSelection, DeviceSettingsComponent } from '../media/device-settings.component';
import { SinkIdDirective, canChooseSpeaker } from '../media/sink-id.directive';
import { SrcObjectDirective } from '../media/src-object.directive';
import { SIGNALING_LOST_IN_CALL, callStatusSentence, initialOf, peerReconnectingSentence } from '../words';
import { CallControlsComponent } from './call-controls.component';
import { CallTimerComponent } from './call-timer.component';
import { ChatService, FileTransferService } from '@duet/web/rtc';
import { FileOfferNoticeComponent } from '../in-call/file-offer-notice.component';
import { FilesPanelComponent } from '../in-call/files-panel.component';
import { ChatPanelComponent } from '../in-call/chat-panel.component';
import { QualityIndicatorComponent } from '../in-call/quality-indicator.component';
import { StatsPanelComponent } from '../in-call/stats-panel.component';
import { VerificationCodeComponent } from '../in-call/verification-code.component';
import { Corner, SelfViewComponent } from './self-view.component';

/**
 * The call, filling the space under the header: the other person's video (or their initial while
 * there is none), what they have muted, the call status and timer, your small movable self-view,
 * and the controls.
 */
@Component({
  selector: 'duet-call-stage',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    CallControlsComponent,
    ChatPanelComponent,
    CallTimerComponent,
    DeviceSettingsComponent,
    FileOfferNoticeComponent,
    FilesPanelComponent,
    QualityIndicatorComponent,
    SelfViewComponent,
    SinkIdDirective,
    SrcObjectDirective,
    StatsPanelComponent,
    VerificationCodeComponent,
  ],
  template: `
    <section #stage class="stage" [attr.aria-label]="'Call with ' + remoteUser()">
      <video
        #remoteVideo
        data-testid="remote-video"
        class="remote"
        [class.screen]="remoteMedia().screenSharing"
        autoplay
        playsinline
        [attr.aria-label]="'Video from ' + remoteUser()"
        [duetSrcObject]="remoteStream()"
        [duetSinkId]="deviceChoices().speaker"
        (enterpictureinpicture)="pictureInPicture.set(true)"
        (leavepictureinpicture)="pictureInPicture.set(false)"
      ></video>
      @if (showPlaceholder()) {
        <div class="placeholder" aria-hidden="true">
          <span class="avatar">{{ initial() }}</span>
        </div>
      }

      <header class="top">
        <p class="status">
          <span data-testid="call-status" [attr.data-state]="callState()">{{ statusText() }}</span>
          <duet-call-timer [since]="connectedAt()" />
        </p>
        <p class="security">
          <duet-verification-code />
          <duet-quality-indicator />
        </p>
        <ul class="flags" aria-live="polite">
          @if (peerReconnecting()) {
            <li data-testid="peer-reconnecting">{{ peerReconnectingText() }}</li>
          }
          @if (signalingLost()) {
            <li data-testid="signaling-offline">{{ signalingLostText }}</li>
          }
          @if (remoteMedia().micMuted) {
            <li data-testid="remote-muted">{{ remoteUser() }} is muted</li>
          }
          @if (remoteMedia().cameraOff) {
            <li data-testid="remote-camera-off">{{ remoteUser() }} turned their camera off</li>
          }
          @if (remoteMedia().screenSharing) {
            <li>{{ remoteUser() }} is sharing their screen</li>
          }
        </ul>
      </header>

      <duet-self-view
        [stream]="localStream()"
        [mirrored]="!screenSharing()"
        [cameraOff]="cameraOff()"
        [corner]="selfViewCorner()"
        (moved)="selfViewCorner.set($event)"
      />

      @if (settingsOpen()) {
        <div id="call-device-settings" class="settings" role="group" aria-label="Devices">
          <duet-device-settings
            [devices]="devices()"
            [choices]="deviceChoices()"
            [speakerChoice]="speakerChoice"
            (selected)="selectDevice($event)"
            (opened)="refreshDevices()"
          />
        </div>
      }

      @if (panel() === 'chat') {
        <aside id="call-chat" class="side" aria-label="Chat">
          <duet-chat-panel [remoteUser]="remoteUser()" />
        </aside>
      }
      <!-- Kept in the DOM while closed (hidden), so a save link or a running transfer survives closing it. -->
      <aside id="call-files" class="side" aria-label="Files" [hidden]="panel() !== 'files'">
        <duet-files-panel [open]="panel() === 'files'" />
      </aside>
      <!-- Their offers where the person looks; the open files panel answers them itself. -->
      @if (panel() !== 'files') {
        <duet-file-offer-notice />
      }
      @if (panel() === 'stats') {
        <aside id="call-stats" class="side" data-testid="stats-panel" aria-label="Call quality">
          <duet-stats-panel />
        </aside>
      }

      <duet-call-controls
        class="bottom"
        [remoteUser]="remoteUser()"
        [micMuted]="micMuted()"
        [cameraOff]="cameraOff()"
        [screenSharing]="screenSharing()"
        [canShareScreen]="canShareScreen"
        [settingsOpen]="settingsOpen()"
        [fullscreen]="fullscreen()"
        [canFullscreen]="canFullscreen"
        [pictureInPicture]="pictureInPicture()"
        [canPictureInPicture]="canPictureInPicture"
        [chatOpen]="panel() === 'chat'"
        [unread]="unread()"
        [statsOpen]="panel() === 'stats'"
        (toggleChat)="togglePanel('chat')"
        (toggleStats)="togglePanel('stats')"
        [filesOpen]="panel() === 'files'"
        [filesWaiting]="filesWaiting()"
        (toggleFiles)="togglePanel('files')"
        (toggleMicrophone)="toggleMicrophone()"
        (toggleCamera)="toggleCamera()"
        (toggleScreenShare)="toggleScreenShare()"
        (toggleSettings)="toggleSettings()"
        (toggleFullscreen)="toggleFullscreen()"
        (togglePictureInPicture)="togglePictureInPicture()"
        (hangUp)="hangUp()"
      />
    </section>
  `,
  styleUrl: './call-stage.component.css',
})
export class CallStageComponent {
  private readonly facade = inject(CallFacade);
  private readonly chat = inject(ChatService);
  private readonly files = inject(FileTransferService);
  private readonly document = inject(DOCUMENT);
  private readonly stage = viewChild.required<ElementRef<HTMLElement>>('stage');
  private readonly remoteVideo = viewChild.required<ElementRef<HTMLVideoElement>>('remoteVideo');

  protected readonly callState = this.facade.callState;
  protected readonly remoteUser = computed(() => this.facade.remoteUser() ?? '');
  protected readonly remoteMedia = this.facade.remoteMedia;
  protected readonly connectedAt = this.facade.connectedAt;
  protected readonly peerReconnecting = this.facade.peerReconnecting;
  protected readonly peerReconnectingText = computed(() => peerReconnectingSentence(this.remoteUser()));
  protected readonly signalingLost = computed(() => this.facade.connectionState() !== 'open');
  protected readonly signalingLostText = SIGNALING_LOST_IN_CALL;
  protected readonly localStream = this.facade.localStream;
  protected readonly remoteStream = this.facade.remoteStream;
  protected readonly micMuted = this.facade.micMuted;
  protected readonly cameraOff = this.facade.cameraOff;
  protected readonly screenSharing = this.facade.screenSharing;
  protected readonly canShareScreen = this.facade.canShareScreen;
  protected readonly devices = this.facade.devices;
  protected readonly deviceChoices = this.facade.deviceChoices;
  protected readonly speakerChoice = canChooseSpeaker();
  protected readonly canFullscreen = this.document.fullscreenEnabled === true;
  protected readonly canPictureInPicture = this.document.pictureInPictureEnabled === true;

  protected readonly settingsOpen = signal(false);
  /** One side panel at a time: they share the space beside the video. */
  protected readonly panel = signal<'chat' | 'stats' | 'files' | null>(null);
  protected readonly filesWaiting = computed(() => this.files.list().filter((t) => t.status === 'incoming').length);
  protected readonly unread = this.chat.unread;
  protected readonly fullscreen = signal(false);
  protected readonly pictureInPicture = signal(false);
  protected readonly selfViewCorner = signal<Corner>('top-right');
  protected readonly statusText = computed(() => callStatusSentence(this.callState(), this.remoteUser()));
  protected readonly initial = computed(() => initialOf(this.remoteUser()));
  /** Their initial stands in while no picture can be expected: before media, or camera off. */
  protected readonly showPlaceholder = computed(() => {
    const state = this.callState();
    const live = state === 'connected' || state === 'reconnecting';
    return !live || this.remoteMedia().cameraOff;
  });

  constructor() {
    const onFullscreenChange = () => this.fullscreen.set(this.document.fullscreenElement !== null);
    this.document.addEventListener('fullscreenchange', onFullscreenChange);
    inject(DestroyRef).onDestroy(() => {
      this.chat.setPanelOpen(false);
      this.document.removeEventListener('fullscreenchange', onFullscreenChange);
      if (this.document.fullscreenElement) void this.document.exitFullscreen().catch(() => undefined);
      if (this.document.pictureInPictureElement) void this.document.exitPictureInPicture().catch(() => undefined);
    });
  }

  protected toggleMicrophone(): void {
    this.facade.toggleMicrophone();
  }

  protected toggleCamera(): void {
    this.facade.toggleCamera();
  }

  protected toggleScreenShare(): void {
    this.facade.toggleScreenShare();
  }

  protected toggleSettings(): void {
    const open = !this.settingsOpen();
    this.settingsOpen.set(open);
    if (open) this.facade.refreshDevices();
  }

  protected togglePanel(which: 'chat' | 'stats' | 'files'): void {
    const next = this.panel() === which ? null : which;
    this.panel.set(next);
    this.chat.setPanelOpen(next === 'chat');
  }

  protected selectDevice(selection: DeviceSelection): void {
    this.facade.selectDevice(selection.kind, selection.deviceId);
  }

  protected refreshDevices(): void {
    this.facade.refreshDevices();
  }

  protected toggleFullscreen(): void {
    if (this.document.fullscreenElement) void this.document.exitFullscreen().catch(() => undefined);
    else void this.stage().nativeElement.requestFullscreen().catch(() => undefined);
  }

  protected togglePictureInPicture(): void {
    if (this.document.pictureInPictureElement) void this.document.exitPictureInPicture().catch(() => undefined);
    else void this.remoteVideo().nativeElement.requestPictureInPicture().catch(() => undefined);
  }

  protected hangUp(): void {
    this.facade.hangUp();
  }
}
