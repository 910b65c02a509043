import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

@Component({
  selector: 'duet-notice',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (message(); as text) {
      <div class="notice" role="alert">
        <p data-testid="error-message">{{ text }}</p>
        <button type="button" class="dismiss" aria-label="Dismiss message" (click)="dismiss.emit()">✕</button>
      </div>
    }
  `,
  styles: `
    :host { display: block; min-width: 0; }
    .notice {
      display: flex;
      align-items: center;
      gap: 0.75rem;
      padding: 0.7rem 0.9rem;
      border-radius: var(--radius);
      background: var(--warn-bg);
      color: var(--warn-fg);
      border: 1px solid var(--warn-border);
    }
    p { margin: 0; flex: 1; }
    .dismiss { background: transparent; color: inherit; border: 0; padding: 0.25rem 0.5rem; min-height: 0; }
  `,
})
export class NoticeComponent {
  readonly message = input<string | null>(null);
  readonly dismiss = output<void>();
}
