import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { CallReportTag } from '@duet/shared/protocol';
import { CallReportService } from './call-report.service';

/** The tags offered, in people's words (the wire's tags are these words too). */
const OFFERED_TAGS: readonly CallReportTag[] = ['echo', 'frozen video', 'robotic voice', 'no sound', 'delay'];
const STARS = [1, 2, 3, 4, 5] as const;

/**
 * After a call: "How was the call?", 1 to 5, with a few things that may have gone wrong. Not a
 * dialog: nothing waits for it, and calling someone again simply replaces it. A star sends the
 * rating (with the ticked problems) and closes it; "Not now" closes it without a word to the server.
 */
@Component({
  selector: 'duet-call-rating',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (reports.prompt()) {
      <section class="card" data-testid="call-rating" aria-labelledby="call-rating-title">
        <h2 id="call-rating-title">How was the call?</h2>
        <p class="hint">Your answer helps whoever runs this server see how calls go. Only the number and the problems you tick are sent.</p>
        <div class="tags" role="group" aria-label="What went wrong, if anything">
          @for (tag of tags; track tag) {
            <button type="button" class="tag" [attr.aria-pressed]="picked().includes(tag)" (click)="toggle(tag)">{{ tag }}</button>
          }
        </div>
        <div class="stars" role="group" aria-label="Your rating, from 1 (bad) to 5 (excellent)">
          @for (star of stars; track star) {
            <button type="button" [attr.data-rating]="star" [attr.aria-label]="label(star)" (click)="rate(star)">{{ star }}</button>
          }
        </div>
        <button type="button" class="quiet" data-testid="call-rating-skip" (click)="reports.skip()">Not now</button>
      </section>
    }
  `,
  styles: `
    .card { display: grid; gap: 0.6rem; padding: 1rem; border: 1px solid var(--line); border-radius: 0.75rem; background: var(--surface); }
    h2 { margin: 0; font-size: 1rem; }
    .hint { margin: 0; font-size: 0.8rem; color: var(--muted); }
    .tags, .stars { display: flex; flex-wrap: wrap; gap: 0.4rem; }
    .stars button { min-width: 2.75rem; min-height: 2.75rem; }
    .tag { min-height: 2.75rem; }
    .tag[aria-pressed='true'] { background: var(--accent); color: var(--accent-fg); }
    .quiet { justify-self: start; min-height: 2.75rem; }
  `,
})
export class CallRatingComponent {
  protected readonly reports = inject(CallReportService);
  protected readonly tags = OFFERED_TAGS;
  protected readonly stars = STARS;
  protected readonly picked = signal<readonly CallReportTag[]>([]);

  protected toggle(tag: CallReportTag): void {
    this.picked.update((picked) => (picked.includes(tag) ? picked.filter((each) => each !== tag) : [...picked, tag]));
  }

  protected rate(rating: number): void {
    this.reports.rate(rating, this.picked());
    this.picked.set([]);
  }

  protected label(star: number): string {
    return ['', '1, bad', '2, poor', '3, fair', '4, good', '5, excellent'][star];
  }
}
