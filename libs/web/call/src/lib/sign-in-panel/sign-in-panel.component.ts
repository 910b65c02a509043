import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { SignInStep } from '@duet/web/rtc';
import { GuestJoinComponent } from '../guest/guest-join.component';
import { COMPANY_SIGN_IN, IDENTITY_SIGN_IN } from '../words';

/** The steps before the lobby that have no name form (the form is `duet-login-form`). */
export type PanelStep = Exclude<SignInStep, { kind: 'name-form' }>;

/**
 * What the page shows instead of the name form when the name comes from a sign-in: "Sign in with
 * your company" (OIDC), "Signing you in…" while the credentials' name logs in (a portal's token, a
 * company sign-in done), or why there is nothing to sign in with. Inputs in, outputs out.
 */
@Component({
  selector: 'duet-sign-in-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [GuestJoinComponent],
  template: `
    <section class="card sign-in" aria-labelledby="sign-in-title">
      @switch (step().kind) {
        @case ('company') {
          <h2 id="sign-in-title">{{ company.title }}</h2>
          <p class="hint">{{ company.hint }}</p>
          <button
            type="button"
            class="primary"
            data-testid="sign-in-button"
            [disabled]="companyPending()"
            (click)="signIn.emit()"
          >
            {{ companyPending() ? company.pending : company.button }}
          </button>
          @if (companyError(); as error) {
            <p class="error" role="alert" data-testid="error-message">{{ error }}</p>
          }
        }
        @case ('identity') {
          @if (loginPending()) {
            <p id="sign-in-title" class="busy" role="status">{{ identity.pending }}</p>
          } @else {
            <h2 id="sign-in-title">{{ problem() ? identity.failed : identity.signedOut }}</h2>
            @if (problem(); as problem) {
              <p class="error" role="alert" data-testid="error-message">{{ problem }}</p>
            }
            <button type="button" class="primary" (click)="retry.emit()">
              {{ problem() ? identity.retry : identity.again }}
            </button>
          }
        }
        @case ('guest') {
          <!-- Its own chunk: only an invite link's page shows it. -->
          @defer (on immediate) {
            <duet-guest-join [inviter]="guest()?.inviter ?? null" [pending]="guest()?.pending ?? false" [error]="guest()?.error" (join)="join.emit($event)" />
          }
        }
        @case ('no-credentials') {
          <h2 id="sign-in-title">{{ identity.noCredentials }}</h2>
          <p class="error" role="alert" data-testid="error-message">{{ message() }}</p>
        }
      }
    </section>
  `,
  styleUrl: '../sign-in-card.css',
  styles: `
    .busy { margin: 0; font-weight: 600; }
    button { margin-top: 1rem; }
  `,
})
export class SignInPanelComponent {
  readonly step = input.required<PanelStep>();
  /** The name-less login is under way (`identity`). */
  readonly loginPending = input(false);
  /** Why the last name-less login failed, in words, or null. */
  readonly problem = input<string | null>(null);
  /** "Sign in with your company" was pressed. */
  readonly signIn = output<void>();
  /** Log in as the credentials' name again (after a refusal, or a log-out). */
  readonly retry = output<void>();
  /** An invite link's page: join as a guest with this display name. */
  readonly join = output<string>();

  protected readonly company = COMPANY_SIGN_IN;
  protected readonly identity = IDENTITY_SIGN_IN;

  protected readonly companyPending = computed(() => {
    const step = this.step();
    return step.kind === 'company' && step.pending;
  });
  protected readonly companyError = computed(() => {
    const step = this.step();
    return step.kind === 'company' ? (step.error ?? null) : null;
  });
  protected readonly guest = computed(() => {
    const step = this.step();
    return step.kind === 'guest' ? step : null;
  });
  protected readonly message = computed(() => {
    const step = this.step();
    return step.kind === 'no-credentials' ? step.message : '';
  });
}
