import { ChangeDetectionStrategy, Component, OnInit, input, output, signal } from '@angular/core';
import { USERNAME_MAX_LENGTH } from '@duet/shared/protocol';

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
      <p class="hint small">1–32 letters, digits, “.”, “_” or “-”.</p>
    </form>
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .login { max-width: 28rem; margin: 2rem auto; }
    h2 { margin: 0 0 0.25rem; }
    .row { display: flex; gap: 0.5rem; margin-top: 1rem; }
    input { flex: 1; min-width: 0; }
    .small { font-size: 0.85rem; margin-top: 0.75rem; }
  `,
})
export class LoginFormComponent implements OnInit {
  readonly pending = input(false);
  /** The name remembered from last time, ready to log in with again. */
  readonly initialName = input('');
  readonly login = output<string>();
  protected readonly name = signal('');
  protected readonly maxLength = USERNAME_MAX_LENGTH;

  ngOnInit(): void {
    if (!this.name()) this.name.set(this.initialName());
  }

  protected logIn(event: Event): void {
    event.preventDefault();
    const name = this.name().trim();
    if (name) this.login.emit(name);
  }
}
