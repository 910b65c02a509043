// Over 300 lines: the call screen's one template (video, controls, panels, notices); the logic lives in the services and panels it hosts.
import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  DestroyRef,
  ElementRef,
  afterNextRender,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { shownName } from '../guest/guest-words';
import { CallFacade } from '../call-facade.service';
import { DeviceSelection, DeviceSettingsComponent } from '../media/device-settings.component';
import { EffectSettingsComponent } from '../media/effect-settings.component';
import { SinkIdDirective, canChooseSpeaker } from '../media/sink-id.directive';
import { SrcObjectDirective } from '../media/src-object.directive';
import { SIGNALING_LOST_IN_CALL, initialOf, peerReconnectingSentence, ringingDevicesHint } from '../words';
import { DataSaverToggleComponent, LowBandwidthNoticeComponent, remoteCameraOffSentence } from '../low-bandwidth/low-bandwidth';
import { CallControlsComponent } from './call-controls.component';
import { CallTimerComponent } from './call-timer.component';
import {
  ChatPanelComponent,
  ChatService,
  FileOfferNoticeComponent,
  FileTransferService,
  FilesPanelComponent,
  QualityIndicatorComponent,
  StatsPanelComponent,
  VerificationCodeComponent,
} from '@duet/web/in-call';
import { Corner, SelfViewComponent } from './self-view.component';
import { isLiveCall } from '../pip/pip-decision';
import { PictureInPictureService } from '../pip/picture-in-picture.service';
import { PipSettingComponent } from '../pip/pip-setting.component';

type Panel = 'chat' | 'stats' | 'files' | 'devices';

/**
 * The call, filling the space under the header, in three rows: the call status, timer, code and
 * flags; the other person's video (or their initial while there is none) with your small movable
 * self-view over it, and the open panel docked beside it; the controls.
 */
@Component({
  selector: 'duet-call-stage',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    CallControlsComponent,
    ChatPanelComponent,
    CallTimerComponent,
    DataSaverToggleComponent,
    DeviceSettingsComponent,
    EffectSettingsComponent,
    FileOfferNoticeComponent,
    LowBandwidthNoticeComponent,
    FilesPanelComponent,
    PipSettingComponent,
    QualityIndicatorComponent,
    SelfViewComponent,
    SinkIdDirective,
    SrcObjectDirective,
    StatsPanelComponent,
    VerificationCodeComponent,
  ],
  template: `
    <section #stage class="stage" [class.with-panel]="panel() !== null" [attr.aria-label]="'Call with ' + remoteUser()">
      <!-- Its own row above the video, never over it: a shared screen's top-left is part of the point. -->
      <header class="top">
        <p class="status">
          <span data-testid="call-status" role="status" [attr.data-state]="callState()">{{ statusText() }}</span>
          <duet-call-timer [since]="connectedAt()" />
        </p>
        <div class="security">
          <duet-verification-code />
          <duet-quality-indicator />
        </div>
        <ul class="flags" aria-live="polite">
          @if (remoteMedia().micMuted) {
            <li data-testid="remote-muted">{{ remoteUser() }} is muted</li>
          }
          @if (remoteMedia().cameraOff) {
            <li data-testid="remote-camera-off">{{ remoteCameraOffText() }}</li>
          }
          @if (remoteMedia().screenSharing) {
            <li>{{ remoteUser() }} is sharing their screen</li>
          }
        </ul>
      </header>

      <div class="main">
        <!-- The video and the self-view share this box; a panel docks beside it (below it on a phone),
             so the self-view can never sit on a panel, whichever corner it is in. -->
        <div class="view">
          <video
            #remoteVideo
            data-testid="remote-video"
            class="remote"
            autoplay
            playsinline
            [attr.aria-label]="'Video from ' + remoteUser()"
            [duetSrcObject]="remoteStream()"
            [duetSinkId]="deviceChoices().speaker"
          ></video>
          <!-- Connection trouble comes and goes: said over the top of the video, so the video never
               jumps when it comes (clicks pass through it). -->
          <ul class="alerts" aria-live="polite">
            @if (peerReconnecting()) {
              <li data-testid="peer-reconnecting">{{ peerReconnectingText() }}</li>
            }
            @if (signalingLost()) {
              <li data-testid="signaling-offline">{{ signalingLostText }}</li>
            }
          </ul>
          @if (showPlaceholder()) {
            <div class="placeholder">
              <span class="avatar" aria-hidden="true" [class.ringing]="callState() === 'calling'">{{ initial() }}</span>
              @if (ringingDevices()) {
                <!-- The status says "Ringing bob's devices…"; this says why, where the eyes are. -->
                <p class="hint" data-testid="ringing-devices">{{ ringingDevicesText() }}</p>
              }
            </div>
          }
          <duet-self-view
            [stream]="localStream()"
            [mirrored]="!screenSharing()"
            [cameraOff]="cameraOff()"
            [corner]="selfViewCorner()"
            (moved)="selfViewCorner.set($event)"
          />
        </div>

        @if (panel() === 'devices') {
          <aside id="call-device-settings" class="side" aria-labelledby="call-devices-title">
            <h2 id="call-devices-title" class="panel-title">Camera, microphone and speaker</h2>
            <duet-device-settings
              [devices]="devices()"
              [choices]="deviceChoices()"
              [speakerChoice]="speakerChoice"
              (selected)="selectDevice($event)"
              (opened)="refreshDevices()"
            />
            <duet-effect-settings />
            <duet-data-saver-toggle />
            @if (canPictureInPicture) {
              <duet-pip-setting />
            }
          </aside>
        }
        @if (panel() === 'chat') {
          <aside id="call-chat" class="side" aria-label="Chat">
            <duet-chat-panel [remoteUser]="remoteUser()" />
          </aside>
        }
        <!-- Kept in the DOM while closed (hidden), so a save link or a running transfer survives closing it. -->
        <aside id="call-files" class="side" aria-label="Files" [hidden]="panel() !== 'files'">
          <duet-files-panel [open]="panel() === 'files'" [remoteUser]="remoteUser()" />
        </aside>
        @if (panel() === 'stats') {
          <!-- It scrolls on a small screen with nothing in it to Tab to: it takes focus itself, so keys scroll it. -->
          <aside id="call-stats" class="side" data-testid="stats-panel" aria-label="Call quality" tabindex="0">
            <duet-stats-panel />
          </aside>
        }
      </div>

      <!-- Their file offers where the person looks, in a row of their own above the controls (it
           covers nothing); the open files panel answers them itself. -->
      @if (panel() !== 'files') {
        <duet-file-offer-notice [remoteUser]="remoteUser()" />
      }
      <duet-low-bandwidth-notice />

      <duet-call-controls
        class="bottom"
        [remoteUser]="remoteUser()"
        [micMuted]="micMuted()"
        [cameraOff]="cameraOff()"
        [screenSharing]="screenSharing()"
        [canShareScreen]="canShareScreen"
        [settingsOpen]="panel() === 'devices'"
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
        (toggleSettings)="togglePanel('devices')"
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
  private readonly pip = inject(PictureInPictureService);
  private readonly stage = viewChild.required<ElementRef<HTMLElement>>('stage');
  private readonly remoteVideo = viewChild.required<ElementRef<HTMLVideoElement>>('remoteVideo');

  protected readonly callState = this.facade.callState;
  /** The peer's name as people read it (a guest's display name and "(guest)"). */
  protected readonly remoteUser = computed(() => shownName(this.facade.remoteUser() ?? ''));
  protected readonly remoteMedia = this.facade.remoteMedia;
  protected readonly remoteCameraOffText = computed(() => remoteCameraOffSentence(this.remoteUser(), this.remoteMedia().cameraOffReason));
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
  protected readonly canPictureInPicture = this.pip.supported;

  /** One panel at a time: they share the space beside the video (under it on a phone). */
  protected readonly panel = signal<Panel | null>(null);
  protected readonly filesWaiting = computed(() => this.files.list().filter((t) => t.status === 'incoming').length);
  protected readonly unread = this.chat.unread;
  protected readonly fullscreen = signal(false);
  protected readonly pictureInPicture = this.pip.open;
  protected readonly selfViewCorner = signal<Corner>('top-right');
  protected readonly statusText = this.facade.callStatusText;
  protected readonly ringingDevices = this.facade.ringingDevices;
  protected readonly ringingDevicesText = computed(() => ringingDevicesHint(this.remoteUser()));
  protected readonly initial = computed(() => initialOf(this.remoteUser()));
  /** Their initial stands in while no picture can be expected: before media, or camera off. */
  protected readonly showPlaceholder = computed(() => {
    return !isLiveCall(this.callState()) || this.remoteMedia().cameraOff;
  });

  constructor() {
    const onFullscreenChange = () => this.fullscreen.set(this.document.fullscreenElement !== null);
    this.document.addEventListener('fullscreenchange', onFullscreenChange);
    afterNextRender(() => this.pip.attach(this.remoteVideo().nativeElement));
    inject(DestroyRef).onDestroy(() => {
      this.chat.setPanelOpen(false);
      this.document.removeEventListener('fullscreenchange', onFullscreenChange);
      if (this.document.fullscreenElement) void this.document.exitFullscreen().catch(() => undefined);
      this.pip.detach();
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

  protected togglePanel(which: Panel): void {
    const next = this.panel() === which ? null : which;
    this.panel.set(next);
    this.chat.setPanelOpen(next === 'chat');
    if (next === 'devices') this.facade.refreshDevices();
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
    this.pip.toggle();
  }

  protected hangUp(): void {
    this.facade.hangUp();
  }
}
