import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { displayNameOf, usernameKey } from '@duet/shared/protocol';
import { callInviter, guestOf } from './guest-words';

/**
 * A guest's lobby card (issue 25), in place of the list of people: whose guest you are, whether
 * they are online (the server tells a guest of its inviter only), and one button to call them.
 */
@Component({
  selector: 'duet-guest-lobby',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="card guest" aria-labelledby="guest-title">
      <h2 id="guest-title" class="who">{{ intro() }}</h2>
      <p class="presence" [class.on]="inviterOnline()">
        <span class="dot" aria-hidden="true"></span>{{ inviter() }} is {{ inviterOnline() ? 'online' : 'not online right now' }}
      </p>
      <button
        type="button"
        class="primary"
        data-testid="call-button"
        [attr.aria-describedby]="unavailableReason() ? 'guest-call-unavailable' : null"
        [disabled]="disabled()"
        (click)="callUser.emit(inviter())"
      >
        {{ callLabel() }}
      </button>
      @if (unavailableReason(); as reason) {
        <p id="guest-call-unavailable" class="reason">{{ reason }}</p>
      }
    </section>
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .guest { display: grid; gap: 0.6rem; justify-items: start; }
    .who { margin: 0; font-size: 1.05rem; overflow-wrap: anywhere; }
    .presence { margin: 0; display: flex; align-items: center; gap: 0.4rem; color: var(--muted); }
    .dot { width: 0.6rem; height: 0.6rem; border-radius: 50%; background: var(--muted); }
    .on .dot { background: var(--ok); }
    .reason { margin: 0; font-size: 0.85rem; color: var(--muted); }
  `,
})
export class GuestLobbyComponent {
  /** My wire name (`guest:<inviter>:<display name>`). */
  readonly me = input.required<string>();
  readonly inviter = input.required<string>();
  /** Who is online, as the server tells a guest: at most the inviter. */
  readonly online = input<readonly string[]>([]);
  readonly disabled = input(false);
  readonly unavailableReason = input<string | null>(null);
  readonly callUser = output<string>();

  protected readonly intro = computed(() => guestOf(displayNameOf(this.me()), this.inviter()));
  protected readonly callLabel = computed(() => callInviter(this.inviter()));
  protected readonly inviterOnline = computed(() => this.online().some((name) => usernameKey(name) === usernameKey(this.inviter())));
}
