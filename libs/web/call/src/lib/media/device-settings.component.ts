import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { DeviceChoices, DeviceKind, DeviceLists } from '@duet/web/rtc';

export interface DeviceSelection {
  kind: DeviceKind;
  deviceId: string;
}

/** The camera, microphone and (where the browser can route audio) speaker choosers. */
@Component({
  selector: 'duet-device-settings',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <label>
      <span>Camera</span>
      <select data-testid="camera-select" #camera (change)="choose('camera', camera.value)" (focus)="opened.emit()">
        <option value="" [selected]="!choices().camera">Default camera</option>
        @for (device of devices().camera; track device.id) {
          <option [value]="device.id" [selected]="device.id === choices().camera">{{ device.label }}</option>
        }
      </select>
    </label>
    <label>
      <span>Microphone</span>
      <select
        data-testid="microphone-select"
        #microphone
        (change)="choose('microphone', microphone.value)"
        (focus)="opened.emit()"
      >
        <option value="" [selected]="!choices().microphone">Default microphone</option>
        @for (device of devices().microphone; track device.id) {
          <option [value]="device.id" [selected]="device.id === choices().microphone">{{ device.label }}</option>
        }
      </select>
    </label>
    @if (speakerChoice()) {
      <label>
        <span>Speaker</span>
        <select data-testid="speaker-select" #speaker (change)="choose('speaker', speaker.value)" (focus)="opened.emit()">
          <option value="" [selected]="!choices().speaker">Default speaker</option>
          @for (device of devices().speaker; track device.id) {
            <option [value]="device.id" [selected]="device.id === choices().speaker">{{ device.label }}</option>
          }
        </select>
      </label>
    }
  `,
  styleUrl: './device-choosers.css',
  styles: `
    :host { display: grid; gap: 0.5rem; min-width: 0; }
  `,
})
export class DeviceSettingsComponent {
  readonly devices = input.required<DeviceLists>();
  readonly choices = input.required<DeviceChoices>();
  readonly speakerChoice = input(false);
  readonly selected = output<DeviceSelection>();
  /** A chooser got focus: a moment to re-read the device list. */
  readonly opened = output<void>();

  protected choose(kind: DeviceKind, deviceId: string): void {
    this.selected.emit({ kind, deviceId });
  }
}
