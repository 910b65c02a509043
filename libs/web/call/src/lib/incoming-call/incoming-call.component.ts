import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterNextRender,
  input,
  output,
  viewChild,
} from '@angular/core';

/**
 * The ringing prompt. It takes focus when it appears, so Enter accepts (the focused button) and
 * Escape declines, wherever focus has moved since.
 */
@Component({
  selector: 'duet-incoming-call',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:keydown.escape)': 'decline()' },
  template: `
    <section data-testid="incoming-call" class="incoming" role="alertdialog" aria-labelledby="incoming-title">
      <p id="incoming-title" class="who"><strong>{{ caller() }}</strong> is calling you</p>
      <div class="actions">
        <button
          #acceptButton
          type="button"
          class="accept"
          data-testid="accept-button"
          [attr.aria-label]="'Accept call from ' + caller()"
          (click)="accept()"
        >
          Accept
        </button>
        <button
          type="button"
          class="danger"
          data-testid="decline-button"
          [attr.aria-label]="'Decline call from ' + caller()"
          (click)="decline()"
        >
          Decline
        </button>
      </div>
    </section>
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .incoming {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 0.75rem;
      padding: 1rem;
      border-radius: var(--radius);
      background: var(--surface);
      border: 2px solid var(--ok);
      animation: pulse 1.6s ease-in-out infinite;
    }
    .who { margin: 0; font-size: 1.1rem; }
    .actions { display: flex; gap: 0.5rem; }
    @keyframes pulse { 50% { box-shadow: 0 0 0 6px color-mix(in srgb, var(--ok) 25%, transparent); } }
    @media (prefers-reduced-motion: reduce) { .incoming { animation: none; } }
  `,
})
export class IncomingCallComponent {
  readonly caller = input.required<string>();
  readonly accepted = output<void>();
  readonly declined = output<void>();
  private readonly acceptButton = viewChild.required<ElementRef<HTMLButtonElement>>('acceptButton');
  private answered = false;

  constructor() {
    afterNextRender(() => this.acceptButton().nativeElement.focus());
  }

  protected accept(): void {
    if (this.answered) return;
    this.answered = true;
    this.accepted.emit();
  }

  protected decline(): void {
    if (this.answered) return;
    this.answered = true;
    this.declined.emit();
  }
}
