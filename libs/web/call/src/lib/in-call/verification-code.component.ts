import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { VerificationService } from '@duet/web/rtc';
import { VERIFICATION_CODE_HINT, VERIFICATION_CODE_LABEL } from '../words';

/** The call's verification code, for the two people to compare by voice. Nothing until the call connects. */
@Component({
  selector: 'duet-verification-code',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (code(); as code) {
      <span class="label" [title]="hint">{{ label }}</span>
      <span data-testid="verification-code" class="code" [title]="hint">{{ code }}</span>
    }
  `,
  styles: `
    :host { display: inline-flex; gap: 0.4rem; align-items: baseline; font-size: 0.8rem; }
    .code { font-family: ui-monospace, monospace; font-size: 0.95rem; letter-spacing: 0.08em; }
    .label { opacity: 0.8; }
  `,
})
export class VerificationCodeComponent {
  protected readonly code = inject(VerificationService).code;
  protected readonly label = VERIFICATION_CODE_LABEL;
  protected readonly hint = VERIFICATION_CODE_HINT;
}
