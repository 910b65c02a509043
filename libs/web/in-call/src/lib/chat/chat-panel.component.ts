import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterRenderEffect,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { ChatService } from './chat.service';
import {
  CHAT_EMPTY,
  CHAT_NOT_CONNECTED,
  CHAT_PLACEHOLDER,
  CHAT_SEND,
  CHAT_TITLE,
  CHAT_YOU,
  chatDeliveryWords,
  chatTime,
} from './chat-words';

/**
 * The call's chat: who wrote each message and when, newest at the bottom. Text is interpolated,
 * never bound as HTML, so markup in a message shows as the characters typed.
 */
@Component({
  selector: 'duet-chat-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h2 class="title">{{ title }}</h2>
    <ol #log class="log" aria-live="polite">
      @for (entry of entries(); track entry.id) {
        <li data-testid="chat-message" [class.mine]="entry.mine">
          <span class="meta">{{ entry.mine ? you : remoteUser() }} · <time>{{ time(entry.at) }}</time></span>
          <span class="text">{{ entry.text }}</span>
          @if (entry.delivery; as delivery) {
            <!-- Only a failure is worth announcing; "Sending…" and "Delivered" on every message would be noise. -->
            <span
              class="delivery"
              data-testid="chat-delivery"
              [attr.data-delivery]="delivery"
              [attr.aria-live]="delivery === 'not-delivered' ? null : 'off'"
              >{{ deliveryWords(delivery) }}</span
            >
          }
        </li>
      } @empty {
        <li class="empty">{{ empty }}</li>
      }
    </ol>
    <form class="compose" (submit)="send($event)">
      <input
        data-testid="chat-input"
        type="text"
        autocomplete="off"
        [attr.maxlength]="maxLength"
        [placeholder]="placeholder"
        [attr.aria-label]="placeholder"
        [value]="draft()"
        (input)="draft.set(field($event))"
      />
      <button type="submit" data-testid="chat-send" [disabled]="!ready() || !draft().trim()">{{ sendLabel }}</button>
    </form>
    @if (!ready()) {
      <p class="note" data-testid="chat-not-connected">{{ notConnected }}</p>
    }
  `,
  styles: `
    /* It fills its panel, so the input sits at the bottom, under the newest message, as in every chat. */
    :host { flex: 1; display: flex; flex-direction: column; gap: 0.5rem; min-height: 0; }
    .title { margin: 0; font-size: 1rem; }
    .log { list-style: none; margin: 0; padding: 0; overflow: auto; flex: 1; display: grid; gap: 0.4rem; align-content: start; }
    .log li { display: grid; gap: 0.1rem; max-width: 85%; justify-self: start; padding: 0.3rem 0.55rem;
      border-radius: 0.6rem; background: var(--line); overflow-wrap: anywhere; white-space: pre-wrap; }
    .log li.mine { justify-self: end; background: #3b4f9a; color: #fff; }
    .log li.empty { max-width: none; background: none; opacity: 0.75; font-size: 0.85rem; }
    .meta, .delivery { font-size: 0.7rem; opacity: 0.8; }
    .delivery[data-delivery='not-delivered'] { opacity: 1; font-weight: 600; }
    .note { margin: 0; font-size: 0.8rem; opacity: 0.8; }
    .compose { display: flex; gap: 0.4rem; }
    .compose input { flex: 1; min-width: 0; }
  `,
})
export class ChatPanelComponent {
  private readonly chat = inject(ChatService);
  private readonly log = viewChild.required<ElementRef<HTMLElement>>('log');
  readonly remoteUser = input.required<string>();

  protected readonly entries = this.chat.entries;
  protected readonly ready = this.chat.ready;
  protected readonly maxLength = this.chat.maxLength;
  protected readonly draft = signal('');
  protected readonly title = CHAT_TITLE;
  protected readonly placeholder = CHAT_PLACEHOLDER;
  protected readonly sendLabel = CHAT_SEND;
  protected readonly empty = CHAT_EMPTY;
  protected readonly you = CHAT_YOU;
  protected readonly time = chatTime;
  protected readonly deliveryWords = chatDeliveryWords;
  protected readonly notConnected = CHAT_NOT_CONNECTED;

  constructor() {
    // Keep the newest message in view.
    afterRenderEffect(() => {
      this.entries();
      const log = this.log().nativeElement;
      log.scrollTop = log.scrollHeight;
    });
  }

  protected field(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  protected send(event: Event): void {
    event.preventDefault();
    if (this.chat.send(this.draft())) this.draft.set('');
  }
}
