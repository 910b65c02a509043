import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { CallRecord, displayNameOf, isGuestUsername } from '@duet/shared/protocol';
import {
  CLEAR_QUESTION,
  HISTORY_EMPTY,
  directionWords,
  durationWords,
  outcomeWords,
  whenWords,
} from '../accounts-words';
import { CallHistoryStore, isMissedIncoming } from './call-history.store';

/** One row as people read it. */
interface Row {
  readonly call: CallRecord;
  /** The other party as people read it. */
  readonly peer: string;
  readonly detail: string;
  readonly when: string;
  readonly iso: string;
  readonly missed: boolean;
}

/** The signed-in user's calls, newest first: who, which way, how it ended, when, how long; call back; clear. */
@Component({
  selector: 'duet-call-history',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (store.problem(); as problem) {
      <p class="problem" role="alert">
        {{ problem }}
        <button type="button" class="small" (click)="retry()">Try again</button>
      </p>
    }
    <ol class="calls" data-testid="call-history" aria-label="Call history" [attr.aria-busy]="store.loading()">
      @for (row of rows(); track row.call.id) {
        <li
          class="call"
          data-testid="call-history-entry"
          [class.missed]="row.missed"
          [attr.data-outcome]="row.call.outcome"
          [attr.data-direction]="row.call.direction"
        >
          <div class="text">
            <span class="peer">{{ row.peer }}</span>
            <span class="detail">{{ row.detail }}</span>
            <time class="when" [attr.datetime]="row.iso">{{ row.when }}</time>
          </div>
          <button
            type="button"
            class="small"
            data-testid="call-back-button"
            [attr.aria-label]="'Call back ' + row.peer"
            [disabled]="!canCall()"
            (click)="callBack.emit(row.call.peer)"
          >Call back</button>
        </li>
      }
    </ol>
    @if (store.loaded() && rows().length === 0) {
      <p class="empty">{{ empty }}</p>
    }
    <div class="actions">
      @if (store.hasOlder()) {
        <button type="button" class="small" [disabled]="store.loading()" (click)="showOlder()">Show older</button>
      }
      @if (confirming()) {
        <p class="question" id="clear-question">{{ question }}</p>
        <button type="button" class="small danger" data-testid="history-clear-confirm" aria-describedby="clear-question" (click)="clear()">
          Clear history
        </button>
        <button type="button" class="small" (click)="confirming.set(false)">Keep it</button>
      } @else if (rows().length > 0) {
        <button type="button" class="small" data-testid="history-clear" (click)="confirming.set(true)">Clear history</button>
      }
    </div>
  `,
  styles: `
    :host { display: grid; gap: 0.5rem; min-width: 0; }
    .calls { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.4rem; }
    .call {
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem;
      padding: 0.45rem 0.6rem;
      border-radius: 10px;
      background: var(--surface-2);
    }
    .text { display: grid; min-width: 0; }
    .peer { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .detail, .when { font-size: 0.8rem; color: var(--muted); }
    .call.missed .detail { color: var(--warn-fg); font-weight: 600; }
    .small { min-height: 2.25rem; padding: 0.3rem 0.8rem; font-size: 0.85rem; flex: none; }
    .call .small { background: var(--surface); }
    .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
    .question { flex-basis: 100%; margin: 0; font-size: 0.85rem; }
    .empty { margin: 0; color: var(--muted); }
    .problem { margin: 0; color: var(--warn-fg); display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
  `,
})
export class CallHistoryComponent {
  protected readonly store = inject(CallHistoryStore);
  /** Whether a call can be placed now (online, not in a call): "Call back" is disabled otherwise. */
  readonly canCall = input(true);
  /** "Call back": the name to call. */
  readonly callBack = output<string>();

  protected readonly empty = HISTORY_EMPTY;
  protected readonly question = CLEAR_QUESTION;
  protected readonly confirming = signal(false);
  protected readonly rows = computed<Row[]>(() => {
    const now = Date.now();
    return this.store.calls().map((call) => {
      const outcome = outcomeWords(call);
      const duration = call.outcome === 'answered' ? `, ${durationWords(call.durationMs)}` : '';
      return {
        call,
        // A guest (issue 25) by their display name, never the `guest:…` wire name.
        peer: isGuestUsername(call.peer) ? `${displayNameOf(call.peer)} (guest)` : call.peer,
        detail: `${directionWords(call)} · ${outcome}${duration}`,
        when: whenWords(call.startedAt, now),
        iso: new Date(call.startedAt).toISOString(),
        missed: isMissedIncoming(call),
      };
    });
  });

  protected retry(): void {
    void this.store.refresh();
  }

  protected showOlder(): void {
    void this.store.loadOlder();
  }

  protected async clear(): Promise<void> {
    if (await this.store.clear()) this.confirming.set(false);
  }
}
