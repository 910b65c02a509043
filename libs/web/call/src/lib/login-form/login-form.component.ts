import { ChangeDetectionStrategy, Component, OnInit, computed, input, output, signal } from '@angular/core';
import { USERNAME_MAX_LENGTH } from '@duet/shared/protocol';
import { NAME_HINT } from '../words';

/** Why the last login did not succeed, for the form; `blamesName` marks the name field invalid. */
export interface LoginProblem {
  text: string;
  blamesName: boolean;
}

@Component({
  selector: 'duet-login-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="card login" aria-labelledby="login-title" (submit)="logIn($event)">
      <h2 id="login-title">Who are you?</h2>
      <p class="hint">Pick a name others can call you by.</p>
      <div class="row">
        <input
          #nameInput
          data-testid="username-input"
          aria-label="Your username"
          placeholder="Your name"
          autocomplete="username"
          autocapitalize="off"
          spellcheck="false"
          [attr.maxlength]="maxLength"
          [attr.aria-invalid]="nameRefused() ? 'true' : null"
          [attr.aria-describedby]="problem() ? 'login-error login-rule' : 'login-rule'"
          [value]="name()"
          [disabled]="pending()"
          (input)="name.set(nameInput.value)"
        />
        <button
          type="submit"
          class="primary"
          data-testid="login-button"
          aria-label="Log in"
          [disabled]="pending() || !name().trim()"
        >
          {{ pending() ? 'Logging in…' : 'Log in' }}
        </button>
      </div>
      @if (problem(); as problem) {
        <p id="login-error" class="error" role="alert" data-testid="error-message">{{ problem.text }}</p>
      }
      <p id="login-rule" class="hint small">{{ rule }}</p>
    </form>
  `,
  styleUrl: '../sign-in-card.css',
  styles: `
    .row { display: flex; gap: 0.5rem; margin-top: 1rem; }
    input { flex: 1; min-width: 0; }
    input[aria-invalid='true'] { border-color: var(--warn-border); outline-color: var(--warn-border); }
    .small { font-size: 0.85rem; margin-top: 0.75rem; }
  `,
})
export class LoginFormComponent implements OnInit {
  readonly pending = input(false);
  /** The name remembered from last time, ready to log in with again. */
  readonly initialName = input('');
  /** Why the last login failed (said under the field), or null. */
  readonly problem = input<LoginProblem | null>(null);
  readonly login = output<string>();
  protected readonly name = signal('');
  protected readonly maxLength = USERNAME_MAX_LENGTH;
  protected readonly rule = NAME_HINT;
  /** The name that was last tried: the field is invalid until it is changed. */
  private readonly tried = signal('');
  protected readonly nameRefused = computed(
    () => this.problem()?.blamesName === true && this.name().trim() === this.tried(),
  );

  ngOnInit(): void {
    if (!this.name()) this.name.set(this.initialName());
    // A remembered name is tried by itself on start: a refusal is about that name.
    this.tried.set(this.name().trim());
  }

  protected logIn(event: Event): void {
    event.preventDefault();
    const name = this.name().trim();
    this.tried.set(name);
    if (name) this.login.emit(name);
  }
}
