import { ChangeDetectionStrategy, Component, computed, effect, inject, input, untracked } from '@angular/core';
import { PUSH_LABEL } from '../accounts-words';
import { PushSwitchService } from './push-switch.service';
import { pushStateWords } from './push-state';

/** "Ring this browser when Duet is closed": a switch, and under it what it is doing or why it cannot. */
@Component({
  selector: 'duet-push-switch',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <button
      type="button"
      role="switch"
      class="switch"
      data-testid="push-toggle"
      aria-describedby="push-status"
      [attr.aria-checked]="on()"
      [disabled]="push.busy() || blocked()"
      (click)="toggle()"
    >
      <span class="track" aria-hidden="true"><span class="thumb"></span></span>
      <span class="label">{{ label }}</span>
    </button>
    <p id="push-status" class="status" data-testid="push-status" role="status" [class.problem]="problem()">{{ words() }}</p>
  `,
  styles: `
    :host { display: grid; gap: 0.35rem; }
    .switch {
      display: flex;
      align-items: center;
      gap: 0.75rem;
      width: 100%;
      text-align: left;
      background: transparent;
      padding: 0.4rem 0;
      font-weight: 600;
    }
    .track {
      flex: none;
      width: 2.5rem;
      height: 1.4rem;
      border-radius: 999px;
      background: var(--surface-2);
      border: 1px solid var(--line);
      position: relative;
      transition: background 0.15s;
    }
    .thumb {
      position: absolute;
      top: 0.15rem;
      left: 0.15rem;
      width: 1rem;
      height: 1rem;
      border-radius: 50%;
      background: var(--muted);
      transition: transform 0.15s;
    }
    .switch[aria-checked='true'] .track { background: var(--accent); border-color: var(--accent); }
    .switch[aria-checked='true'] .thumb { transform: translateX(1.1rem); background: var(--accent-fg); }
    .status { margin: 0; font-size: 0.85rem; color: var(--muted); }
    .status.problem { color: var(--warn-fg); }
    @media (prefers-reduced-motion: reduce) { .track, .thumb { transition: none; } }
  `,
})
export class PushSwitchComponent {
  protected readonly push = inject(PushSwitchService);
  /** The signed-in user: the switch says whether this browser rings them. */
  readonly user = input.required<string>();

  protected readonly label = PUSH_LABEL;
  protected readonly on = computed(() => ['on', 'turning-off'].includes(this.push.state().kind));
  /** Nothing the switch can do in this browser. (Blocked notifications can be allowed in the site settings, then tried again.) */
  protected readonly blocked = computed(() => this.push.state().kind === 'unsupported');
  protected readonly words = computed(() => pushStateWords(this.push.state()));
  protected readonly problem = computed(() => {
    const state = this.push.state();
    return ['unsupported', 'no-worker', 'denied'].includes(state.kind) || (state.kind === 'off' && state.problem !== undefined);
  });

  constructor() {
    effect(() => {
      const user = this.user();
      untracked(() => void this.push.check(user));
    });
  }

  protected toggle(): void {
    if (this.on()) void this.push.turnOff();
    else void this.push.turnOn();
  }
}
