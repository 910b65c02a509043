import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { DeviceChoices, DeviceLists } from '@duet/web/rtc';
import { DataSaverToggleComponent } from '../low-bandwidth/data-saver-toggle.component';
import { DeviceSelection, DeviceSettingsComponent } from '../media/device-settings.component';
import { EffectSettingsComponent } from '../media/effect-settings.component';
import { MicLevelComponent } from '../media/mic-level.component';
import { SrcObjectDirective } from '../media/src-object.directive';

/** Before a call: your camera, a live microphone meter and the device choosers. */
@Component({
  selector: 'duet-lobby-preview',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DataSaverToggleComponent, DeviceSettingsComponent, EffectSettingsComponent, MicLevelComponent, SrcObjectDirective],
  template: `
    <section class="card preview" aria-labelledby="preview-title">
      <div class="head">
        <h2 id="preview-title">Camera and microphone</h2>
        <button type="button" [attr.aria-pressed]="previewing()" (click)="togglePreview.emit()">
          {{ previewing() ? 'Stop preview' : 'Check them' }}
        </button>
      </div>
      @if (previewing()) {
        <video
          data-testid="preview-video"
          class="mirror"
          autoplay
          playsinline
          muted
          [muted]="true"
          aria-label="Preview of your camera"
          [duetSrcObject]="stream()"
        ></video>
        <duet-mic-level [track]="audioTrack()" />
      } @else {
        <p class="hint">See yourself and test your microphone before a call.</p>
      }
      <duet-device-settings
        [devices]="devices()"
        [choices]="choices()"
        [speakerChoice]="speakerChoice()"
        (selected)="selectDevice.emit($event)"
        (opened)="devicesOpened.emit()"
      />
      <duet-effect-settings />
      <duet-data-saver-toggle />
    </section>
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .preview { display: grid; gap: 0.75rem; }
    .head { display: flex; align-items: center; justify-content: space-between; gap: 0.5rem; }
    /* The title may wrap, never the button: "Check them" on two lines reads as two buttons. */
    .head button { flex: none; white-space: nowrap; }
    h2 { margin: 0; font-size: 1rem; }
    video { width: 100%; aspect-ratio: 4 / 3; background: #000; border-radius: calc(var(--radius) / 2); object-fit: cover; }
    .mirror { transform: scaleX(-1); }
  `,
})
export class LobbyPreviewComponent {
  readonly previewing = input(false);
  readonly stream = input<MediaStream | null>(null);
  readonly audioTrack = input<MediaStreamTrack | null>(null);
  readonly devices = input.required<DeviceLists>();
  readonly choices = input.required<DeviceChoices>();
  readonly speakerChoice = input(false);
  readonly togglePreview = output<void>();
  readonly selectDevice = output<DeviceSelection>();
  readonly devicesOpened = output<void>();
}
