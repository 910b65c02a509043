import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { FileTransfer } from './file-transfer';
import { FileTransferService } from './file-transfer.service';
import { FILES_DROP, FILES_PICK, FILES_TITLE, fileSize, transferLine, transferPercent } from './file-words';

/**
 * Send files (pick or drop), answer their offers, follow progress, save what arrived and checked out.
 * The browser's own file input is hidden (its "Choose Files / No file chosen" said nothing useful)
 * but stays the focusable control: the styled "Send a file" is its label, so a click, Enter or Space
 * opens the picker. Offers are answered here only while the panel is open; while it is closed the
 * stage's notice (file-offer-notice.component.ts) holds the one pair of Accept / Decline buttons.
 */
@Component({
  selector: 'duet-files-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 class="title">{{ title }}</h2>
    <label
      class="drop"
      [class.over]="dragging()"
      (dragover)="allowDrop($event)"
      (dragleave)="dragging.set(false)"
      (drop)="drop($event)"
    >
      <input class="picker" data-testid="file-input" type="file" multiple [attr.aria-label]="pickLabel" [disabled]="!ready()" (change)="pick($event)" />
      <span class="button" aria-hidden="true">{{ pickLabel }}</span>
      <span class="hint">{{ dropLabel }}</span>
    </label>
    <ul class="list">
      @for (transfer of transfers(); track transfer.key) {
        <li data-testid="file-transfer" [attr.data-status]="transfer.status" [attr.data-direction]="transfer.outgoing ? 'out' : 'in'">
          <span class="name">{{ transfer.name }}</span>
          <span class="meta">{{ size(transfer.size) }}{{ transfer.mime ? ' · ' + transfer.mime : '' }}</span>
          <progress data-testid="file-progress" max="100" [value]="percent(transfer)"></progress>
          <span class="meta" aria-live="polite">{{ line(transfer, remoteUser()) }}</span>
          <span class="actions">
            @if (transfer.status === 'incoming' && open()) {
              <button type="button" class="accept" data-testid="file-accept" (click)="files.accept(transfer.key)">Accept</button>
              <button type="button" data-testid="file-decline" (click)="files.decline(transfer.key)">Decline</button>
            }
            @if (transfer.status === 'offered' || transfer.status === 'sending' || transfer.status === 'receiving') {
              <button type="button" data-testid="file-cancel" (click)="files.cancel(transfer.key)">Cancel</button>
            }
            @if (transfer.url) {
              <a class="button" data-testid="file-save" [href]="transfer.url" [attr.download]="transfer.name">Save</a>
            }
          </span>
        </li>
      }
    </ul>
  `,
  styles: `
    :host { display: flex; flex-direction: column; gap: 0.5rem; min-height: 0; }
    .title { margin: 0; font-size: 1rem; }
    .drop { position: relative; display: grid; justify-items: start; gap: 0.3rem; padding: 0.6rem; border: 1px dashed var(--line); border-radius: 0.6rem; font-size: 0.85rem; cursor: pointer; }
    .drop.over { border-color: #6f8cff; }
    /* Out of sight and of the way (no box to hit), still in the tab order and the accessibility tree (not display: none). */
    .picker { position: absolute; width: 0; height: 0; min-height: 0; padding: 0; border: 0; opacity: 0; overflow: hidden; clip: rect(0 0 0 0); }
    .picker:focus-visible + .button { outline: 2px solid var(--accent); outline-offset: 2px; }
    .picker:disabled + .button { opacity: 0.5; cursor: not-allowed; }
    /* Links and labels that act as buttons look like the app's buttons (styles.css). */
    .button { display: inline-flex; align-items: center; min-height: 2.75rem; padding: 0.6rem 1rem; border-radius: 10px; background: var(--surface-2); color: var(--fg); font-weight: 600; text-decoration: none; font-size: 1rem; }
    a.button { background: var(--accent); color: var(--accent-fg); }
    a.button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
    .hint { color: var(--muted); font-size: 0.75rem; }
    .list { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.6rem; overflow: auto; }
    .list li { display: grid; gap: 0.15rem; }
    .name { font-weight: 600; overflow-wrap: anywhere; }
    .meta { font-size: 0.75rem; opacity: 0.85; }
    progress { width: 100%; }
    .actions { display: flex; flex-wrap: wrap; gap: 0.4rem; }
  `,
})
export class FilesPanelComponent {
  /** Whether the panel is on screen: only then are offers answered here. */
  readonly open = input(false);
  /** Who is on the other side of the call, for the sentences. */
  readonly remoteUser = input('');
  protected readonly files = inject(FileTransferService);
  protected readonly transfers = this.files.list;
  protected readonly ready = this.files.ready;
  protected readonly dragging = signal(false);
  protected readonly title = FILES_TITLE;
  protected readonly pickLabel = FILES_PICK;
  protected readonly dropLabel = FILES_DROP;
  protected readonly size = fileSize;
  protected readonly line = transferLine;
  protected readonly percent = (transfer: FileTransfer) => transferPercent(transfer);

  protected pick(event: Event): void {
    const input = event.target as HTMLInputElement;
    for (const file of Array.from(input.files ?? [])) this.files.offer(file);
    // The same file can be picked again.
    input.value = '';
  }

  protected allowDrop(event: DragEvent): void {
    event.preventDefault();
    this.dragging.set(true);
  }

  protected drop(event: DragEvent): void {
    event.preventDefault();
    this.dragging.set(false);
    for (const file of Array.from(event.dataTransfer?.files ?? [])) this.files.offer(file);
  }
}
