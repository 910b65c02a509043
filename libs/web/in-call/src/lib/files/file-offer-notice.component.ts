import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { FileTransferService } from './file-transfer.service';
import { fileOfferSentence } from './file-words';

/**
 * Their file offers on the call stage, where the person is looking: who sends what and how big,
 * with Accept and Decline. The stage shows it while the files panel is closed (a badge on a closed
 * panel's button was all there was before); the open panel answers offers itself.
 */
@Component({
  selector: 'duet-file-offer-notice',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ul class="offers" aria-live="polite" aria-label="File offers">
      @for (offer of offers(); track offer.key) {
        <li class="offer" data-testid="file-offer">
          <p class="sentence">{{ sentence(remoteUser(), offer.name, offer.size) }}</p>
          <span class="actions">
            <button type="button" class="accept" data-testid="file-accept" (click)="files.accept(offer.key)">Accept</button>
            <button type="button" data-testid="file-decline" (click)="files.decline(offer.key)">Decline</button>
          </span>
        </li>
      }
    </ul>
  `,
  styles: `
    /* A row of the stage's grid between the video and the controls: it moves the video up a little
       while an offer waits, and never covers anything. */
    :host { display: block; width: min(26rem, calc(100% - 1.5rem)); margin: 0 auto; }
    /* Empty, it takes no room but stays in the page, so screen readers hear the next offer. */
    .offers { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
    .offers:not(:empty) { margin-block: 0.5rem; }
    .offer {
      display: grid;
      gap: 0.5rem;
      padding: 0.7rem 0.8rem;
      border-radius: var(--radius);
      background: var(--surface);
      color: var(--fg);
      border: 1px solid var(--line);
      box-shadow: 0 4px 16px rgb(0 0 0 / 35%);
    }
    .sentence { margin: 0; overflow-wrap: anywhere; }
    .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; }
  `,
})
export class FileOfferNoticeComponent {
  /** Who sends the offers: the other side of the call. */
  readonly remoteUser = input('');
  protected readonly files = inject(FileTransferService);
  protected readonly offers = computed(() => this.files.list().filter((transfer) => transfer.status === 'incoming'));
  protected readonly sentence = fileOfferSentence;
}
