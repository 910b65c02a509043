import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { chatButtonLabel, filesButtonLabel } from '@duet/web/in-call';
import { IconComponent } from './icon.component';

/**
 * The in-call buttons. Toggles say their state with aria-pressed; labels say what a press does.
 * Two groups: the tools, then microphone, camera and hang-up, so that on a phone, where ten buttons
 * do not fit one row, hang-up keeps its neighbours on a row of their own (and Tab reaches the three
 * that matter most last, right before leaving the bar).
 */
@Component({
  selector: 'duet-call-controls',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [IconComponent],
  template: `
    <div class="controls" role="toolbar" aria-label="Call controls">
      <div class="group tools">
        @if (canShareScreen()) {
          <button
            type="button"
            data-testid="screen-share-button"
            [attr.aria-pressed]="screenSharing()"
            [attr.aria-label]="screenSharing() ? 'Stop sharing your screen' : 'Share your screen'"
            [title]="screenSharing() ? 'Stop sharing' : 'Share screen'"
            (click)="toggleScreenShare.emit()"
          >
            <duet-icon name="screen" />
          </button>
        }
        <button
          type="button"
          class="badged"
          data-testid="chat-button"
          aria-controls="call-chat"
          [attr.aria-expanded]="chatOpen()"
          [attr.aria-label]="chatLabel()"
          title="Chat"
          (click)="toggleChat.emit()"
        >
          <duet-icon name="chat" />
          @if (unread() > 0) {
            <span class="badge" data-testid="chat-unread" aria-hidden="true">{{ unread() > 99 ? '99+' : unread() }}</span>
          }
        </button>
        <button
          type="button"
          class="badged"
          data-testid="files-button"
          aria-controls="call-files"
          [attr.aria-expanded]="filesOpen()"
          [attr.aria-label]="filesLabel()"
          title="Files"
          (click)="toggleFiles.emit()"
        >
          <duet-icon name="file" />
          @if (filesWaiting() > 0) {
            <span class="badge" aria-hidden="true">{{ filesWaiting() }}</span>
          }
        </button>
        <button
          type="button"
          aria-label="Call quality"
          title="Call quality"
          aria-controls="call-stats"
          [attr.aria-expanded]="statsOpen()"
          (click)="toggleStats.emit()"
        >
          <duet-icon name="stats" />
        </button>
        <button
          type="button"
          aria-label="Camera, microphone and speaker"
          title="Devices"
          [attr.aria-expanded]="settingsOpen()"
          aria-controls="call-device-settings"
          (click)="toggleSettings.emit()"
        >
          <duet-icon name="settings" />
        </button>
        @if (canFullscreen()) {
          <button
            type="button"
            [attr.aria-pressed]="fullscreen()"
            [attr.aria-label]="fullscreen() ? 'Leave full screen' : 'Full screen'"
            title="Full screen"
            (click)="toggleFullscreen.emit()"
          >
            <duet-icon name="fullscreen" />
          </button>
        }
        @if (canPictureInPicture()) {
          <button
            type="button"
            [attr.aria-pressed]="pictureInPicture()"
            [attr.aria-label]="pictureInPicture() ? 'Close picture-in-picture' : 'Picture-in-picture'"
            title="Picture-in-picture"
            (click)="togglePictureInPicture.emit()"
          >
            <duet-icon name="pip" />
          </button>
        }
      </div>
      <div class="group primary">
        <button
          type="button"
          data-testid="mute-button"
          [attr.aria-pressed]="micMuted()"
          [attr.aria-label]="micMuted() ? 'Unmute microphone' : 'Mute microphone'"
          [title]="micMuted() ? 'Unmute' : 'Mute'"
          (click)="toggleMicrophone.emit()"
        >
          <duet-icon [name]="micMuted() ? 'mic-off' : 'mic'" />
        </button>
        <button
          type="button"
          data-testid="camera-button"
          [attr.aria-pressed]="cameraOff()"
          [attr.aria-label]="cameraOff() ? 'Turn camera on' : 'Turn camera off'"
          [title]="cameraOff() ? 'Camera on' : 'Camera off'"
          (click)="toggleCamera.emit()"
        >
          <duet-icon [name]="cameraOff() ? 'camera-off' : 'camera'" />
        </button>
        <button
          type="button"
          class="danger"
          data-testid="hangup-button"
          [attr.aria-label]="'Hang up on ' + remoteUser()"
          title="Hang up"
          (click)="hangUp.emit()"
        >
          <duet-icon name="hang-up" />
        </button>
      </div>
    </div>
  `,
  styles: `
    :host { display: block; }
    .controls {
      display: flex;
      flex-wrap: wrap;
      justify-content: center;
      align-items: center;
      gap: 0.5rem 1.1rem;
      padding: 0.4rem 0.6rem;
      border-radius: 1.8rem;
      background: #151b27;
    }
    .group { display: flex; justify-content: center; gap: 0.5rem; }
    button {
      width: 2.9rem;
      height: 2.9rem;
      min-height: 0;
      padding: 0;
      border-radius: 50%;
      display: grid;
      place-items: center;
      background: #2b3447;
      color: #fff;
    }
    .badged { position: relative; }
    .badge {
      position: absolute;
      top: -0.2rem;
      right: -0.2rem;
      min-width: 1.2rem;
      padding: 0 0.25rem;
      border-radius: 999px;
      background: var(--danger);
      color: #fff;
      font-size: 0.7rem;
      line-height: 1.2rem;
    }
    button[aria-pressed='true'] { background: #f1f4fa; color: #111723; }
    /* The button of the open panel: ringed, so the panel's way back is plain to see. */
    button[aria-expanded='true'] { box-shadow: inset 0 0 0 2px #8aa2ff; }
    button.danger { width: 3.6rem; border-radius: 999px; background: var(--danger); }
    /* A phone: the tools on one row, microphone, camera and hang-up (larger) on the row under it. */
    @media (max-width: 34rem) {
      .controls { flex-direction: column; gap: 0.4rem; padding: 0.35rem 0.5rem; }
      .tools { gap: 0.3rem; }
      .tools button { width: 2.6rem; height: 2.6rem; }
      .primary { gap: 1rem; }
    }
  `,
})
export class CallControlsComponent {
  readonly remoteUser = input.required<string>();
  readonly micMuted = input(false);
  readonly cameraOff = input(false);
  readonly screenSharing = input(false);
  readonly canShareScreen = input(false);
  readonly settingsOpen = input(false);
  readonly fullscreen = input(false);
  readonly canFullscreen = input(false);
  readonly pictureInPicture = input(false);
  readonly canPictureInPicture = input(false);
  readonly toggleMicrophone = output<void>();
  readonly toggleCamera = output<void>();
  readonly toggleScreenShare = output<void>();
  readonly toggleSettings = output<void>();
  readonly toggleFullscreen = output<void>();
  readonly togglePictureInPicture = output<void>();
  readonly chatOpen = input(false);
  readonly unread = input(0);
  readonly statsOpen = input(false);
  readonly toggleChat = output<void>();
  readonly toggleStats = output<void>();
  readonly filesOpen = input(false);
  readonly filesWaiting = input(0);
  readonly toggleFiles = output<void>();
  readonly hangUp = output<void>();

  protected readonly filesLabel = computed(() => filesButtonLabel(this.filesOpen(), this.filesWaiting()));
  protected readonly chatLabel = computed(() => chatButtonLabel(this.chatOpen(), this.unread()));
}
