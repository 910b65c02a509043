import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { VerificationService } from './verification.service';
import { VERIFICATION_CODE_HINT, VERIFICATION_CODE_LABEL } from './verification-words';

/**
 * The call's verification code, for the two people to compare by voice. Nothing until the call
 * connects. What it is for opens under it with a button: a hover tooltip alone never shows on a
 * phone, nor to a keyboard.
 */
@Component({
  selector: 'duet-verification-code',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (code(); as code) {
      <span class="label">{{ label }}</span>
      <span data-testid="verification-code" class="code" [title]="hint">{{ code }}</span>
      <button
        type="button"
        class="about"
        data-testid="verification-code-about"
        aria-label="What is this code for?"
        aria-controls="verification-code-explanation"
        [attr.aria-expanded]="explained()"
        (click)="explained.set(!explained())"
      >
        ?
      </button>
      @if (explained()) {
        <p id="verification-code-explanation" class="explanation" data-testid="verification-code-explanation">{{ hint }}</p>
      }
    }
  `,
  styles: `
    :host { display: inline-flex; flex-wrap: wrap; gap: 0.2rem 0.4rem; align-items: center; font-size: 0.8rem; }
    .code { font-family: ui-monospace, monospace; font-size: 0.95rem; letter-spacing: 0.08em; }
    .label { opacity: 0.8; }
    .about {
      width: 1.6rem;
      height: 1.6rem;
      min-height: 0;
      padding: 0;
      border-radius: 50%;
      background: #2b3447;
      color: #fff;
      font-size: 0.8rem;
    }
    .explanation { flex-basis: 100%; margin: 0; max-width: 40rem; font-size: 0.8rem; }
  `,
})
export class VerificationCodeComponent {
  protected readonly code = inject(VerificationService).code;
  protected readonly label = VERIFICATION_CODE_LABEL;
  protected readonly hint = VERIFICATION_CODE_HINT;
  protected readonly explained = signal(false);
}
