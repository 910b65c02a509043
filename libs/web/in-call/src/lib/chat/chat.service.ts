import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { CHAT_TEXT_MAX_LENGTH, encodeChatMessage, encodeChatReceipt, isSendable, parseChatFrame } from './chat-message';
import { HeldChannel, InCallChannels } from '../in-call-channels';

/**
 * What became of a message this side sent: on its way, confirmed by the other side's receipt, or
 * not confirmed in time (or the channel closed first). A late receipt still turns it `delivered`.
 */
export type ChatDelivery = 'sending' | 'delivered' | 'not-delivered';

export interface ChatEntry {
  /** Sequential within the call, for `track`; also the message's number on the wire. */
  id: number;
  /** Sent by this side. */
  mine: boolean;
  text: string;
  /** When this side sent or received it (epoch ms): the two clocks need not agree. */
  at: number;
  /** Only for this side's messages. */
  delivery?: ChatDelivery;
}

/** Messages kept per call, oldest dropped first: a long call cannot grow the page without bound. */
export const CHAT_HISTORY_LIMIT = 500;
/**
 * A message whose receipt has not come by then is shown as not delivered: the data channel is
 * reliable, so on a working connection the receipt takes one round trip.
 */
export const CHAT_RECEIPT_TIMEOUT_MS = 5_000;

/**
 * Text chat over the call's own `chat` data channel (in-call-channels.ts): peer to peer, kept for
 * the length of the call (the channel rides the connection, so an ICE restart keeps it) and
 * forgotten when it ends. Counts unread messages while the panel is closed. Each message asks for
 * a receipt, so the sender learns when one did not arrive instead of assuming it did.
 */
@Injectable({ providedIn: 'root' })
export class ChatService {
  private readonly entriesState = signal<readonly ChatEntry[]>([]);
  private readonly unreadState = signal(0);
  private readonly readyState = signal(false);
  private channel: RTCDataChannel | null = null;
  private nextId = 1;
  private panelOpen = false;
  /** Receipt deadlines of this side's messages still `sending`, by message id. */
  private readonly deadlines = new Map<number, ReturnType<typeof setTimeout>>();

  readonly entries = this.entriesState.asReadonly();
  readonly unread = this.unreadState.asReadonly();
  /** The channel is open: sending works. */
  readonly ready = this.readyState.asReadonly();
  readonly maxLength = CHAT_TEXT_MAX_LENGTH;

  constructor() {
    inject(InCallChannels)
      .channels$.pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((channels) => this.follow(channels?.chat ?? null));
    inject(DestroyRef).onDestroy(() => this.clearDeadlines());
  }

  /** Sends `text`; false (nothing sent) when it is empty, too long, or the channel is not open. */
  send(text: string): boolean {
    const channel = this.channel;
    if (!isSendable(text) || channel?.readyState !== 'open') return false;
    const id = this.nextId;
    try {
      channel.send(encodeChatMessage(text, id));
    } catch (error) {
      // Closing under our feet: the person sees the message as not delivered, not a silent loss.
      console.warn('[chat] could not send', error);
      this.append(true, text, 'not-delivered');
      return true;
    }
    this.append(true, text, 'sending');
    this.deadlines.set(
      id,
      setTimeout(() => this.settle(id, 'not-delivered'), CHAT_RECEIPT_TIMEOUT_MS),
    );
    return true;
  }

  /** While the panel is open every message counts as read. */
  setPanelOpen(open: boolean): void {
    this.panelOpen = open;
    if (open) this.unreadState.set(0);
  }

  private follow(held: HeldChannel | null): void {
    const previous = this.channel;
    if (previous) previous.onopen = previous.onclose = previous.onmessage = null;
    this.clearDeadlines();
    this.channel = null;
    this.readyState.set(false);
    this.entriesState.set([]);
    this.unreadState.set(0);
    this.nextId = 1;
    if (!held) return;
    const channel = held.channel;
    this.channel = channel;
    channel.onopen = () => this.readyState.set(true);
    channel.onclose = () => {
      this.readyState.set(false);
      for (const id of [...this.deadlines.keys()]) this.settle(id, 'not-delivered');
    };
    // It may have opened, and messages arrived, before this service was loaded.
    this.readyState.set(channel.readyState === 'open');
    held.take(({ data }: MessageEvent) => this.receive(channel, data));
  }

  private receive(channel: RTCDataChannel, data: unknown): void {
    const frame = parseChatFrame(data);
    if (frame === null) {
      console.debug('[chat] dropped a frame that is not a chat message');
      return;
    }
    if (frame.type === 'chat-received') {
      this.settle(frame.id, 'delivered');
      return;
    }
    if (frame.id !== undefined) this.sendReceipt(channel, frame.id);
    this.append(false, frame.text);
    if (!this.panelOpen) this.unreadState.update((count) => count + 1);
  }

  private sendReceipt(channel: RTCDataChannel, id: number): void {
    try {
      if (channel.readyState === 'open') channel.send(encodeChatReceipt(id));
    } catch (error) {
      // The channel is closing: the sender's deadline says it was not confirmed.
      console.debug('[chat] could not send a receipt', error);
    }
  }

  /** Records what became of message `id` (a receipt after the deadline still counts). */
  private settle(id: number, delivery: ChatDelivery): void {
    const deadline = this.deadlines.get(id);
    if (deadline !== undefined) clearTimeout(deadline);
    this.deadlines.delete(id);
    this.entriesState.update((entries) =>
      entries.map((entry) => (entry.mine && entry.id === id && entry.delivery !== delivery ? { ...entry, delivery } : entry)),
    );
  }

  private clearDeadlines(): void {
    for (const deadline of this.deadlines.values()) clearTimeout(deadline);
    this.deadlines.clear();
  }

  private append(mine: boolean, text: string, delivery?: ChatDelivery): void {
    const entry: ChatEntry = { id: this.nextId++, mine, text, at: Date.now(), ...(delivery && { delivery }) };
    this.entriesState.update((entries) => [...entries.slice(-(CHAT_HISTORY_LIMIT - 1)), entry]);
  }
}
