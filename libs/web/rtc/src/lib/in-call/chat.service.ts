import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { CallController } from '../call-controller.service';
import { CHAT_TEXT_MAX_LENGTH, encodeChatMessage, isSendable, parseChatMessage } from './chat-message';
import { CHAT_CHANNEL, openNegotiatedChannel } from './in-call-channels';

export interface ChatEntry {
  /** Sequential within the call, for `track`. */
  id: number;
  /** Sent by this side. */
  mine: boolean;
  text: string;
  /** When this side sent or received it (epoch ms): the two clocks need not agree. */
  at: number;
}

/** Messages kept per call, oldest dropped first: a long call cannot grow the page without bound. */
export const CHAT_HISTORY_LIMIT = 500;

/**
 * Text chat over the call's own `chat` data channel (in-call-channels.ts): peer to peer, kept for
 * the length of the call (the channel rides the connection, so an ICE restart keeps it) and
 * forgotten when it ends. Counts unread messages while the panel is closed.
 */
@Injectable({ providedIn: 'root' })
export class ChatService {
  private readonly entriesState = signal<readonly ChatEntry[]>([]);
  private readonly unreadState = signal(0);
  private readonly readyState = signal(false);
  private channel: RTCDataChannel | null = null;
  private nextId = 1;
  private panelOpen = false;

  readonly entries = this.entriesState.asReadonly();
  readonly unread = this.unreadState.asReadonly();
  /** The channel is open: sending works. */
  readonly ready = this.readyState.asReadonly();
  readonly maxLength = CHAT_TEXT_MAX_LENGTH;

  constructor() {
    inject(CallController)
      .peerConnection$.pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((pc) => this.follow(pc));
  }

  /** Sends `text`; false (nothing sent) when it is empty, too long, or the channel is not open. */
  send(text: string): boolean {
    const channel = this.channel;
    if (!isSendable(text) || channel?.readyState !== 'open') return false;
    channel.send(encodeChatMessage(text));
    this.append(true, text);
    return true;
  }

  /** While the panel is open every message counts as read. */
  setPanelOpen(open: boolean): void {
    this.panelOpen = open;
    if (open) this.unreadState.set(0);
  }

  private follow(pc: RTCPeerConnection | null): void {
    const previous = this.channel;
    if (previous) previous.onopen = previous.onclose = previous.onmessage = null;
    this.channel = null;
    this.readyState.set(false);
    this.entriesState.set([]);
    this.unreadState.set(0);
    this.nextId = 1;
    if (!pc) return;
    const channel = openNegotiatedChannel(pc, CHAT_CHANNEL);
    this.channel = channel;
    channel.onopen = () => this.readyState.set(true);
    channel.onclose = () => this.readyState.set(false);
    channel.onmessage = ({ data }: MessageEvent) => {
      const text = parseChatMessage(data);
      if (text === null) {
        console.debug('[chat] dropped a frame that is not a chat message');
        return;
      }
      this.append(false, text);
      if (!this.panelOpen) this.unreadState.update((count) => count + 1);
    };
  }

  private append(mine: boolean, text: string): void {
    const entry: ChatEntry = { id: this.nextId++, mine, text, at: Date.now() };
    this.entriesState.update((entries) => [...entries.slice(-(CHAT_HISTORY_LIMIT - 1)), entry]);
  }
}
