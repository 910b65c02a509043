import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { BackgroundEffect } from '@duet/web/rtc';
import { CallFacade } from '../call-facade.service';

/** Noise suppression and the background (none, blur, Duet's image): only what this browser can run. */
@Component({
  selector: 'duet-effect-settings',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (support.noiseSuppression) {
      <button
        type="button"
        data-testid="noise-suppression-toggle"
        [attr.aria-pressed]="choices().noiseSuppression"
        (click)="facade.setEffects({ noiseSuppression: !choices().noiseSuppression })"
      >
        Noise suppression: {{ choices().noiseSuppression ? 'on' : 'off' }}
      </button>
    }
    @if (support.background) {
      <label>
        <span>Background</span>
        <select data-testid="background-select" #background (change)="choose(background.value)">
          @for (option of backgrounds; track option.value) {
            <option [value]="option.value" [selected]="option.value === choices().background">{{ option.label }}</option>
          }
        </select>
      </label>
    }
  `,
  styleUrl: './device-choosers.css',
  styles: `
    :host { display: grid; gap: 0.5rem; min-width: 0; }
    button { justify-self: start; min-height: 2.75rem; }
  `,
})
export class EffectSettingsComponent {
  protected readonly facade = inject(CallFacade);
  protected readonly choices = this.facade.effectChoices;
  protected readonly support = this.facade.effectSupport;
  protected readonly backgrounds: { value: BackgroundEffect; label: string }[] = [
    { value: 'none', label: 'None' },
    { value: 'blur', label: 'Blurred' },
    { value: 'image', label: 'Duet image' },
  ];

  protected choose(value: string): void {
    this.facade.setEffects({ background: value as BackgroundEffect });
  }
}
