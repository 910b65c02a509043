import { DestroyRef, Injectable, inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Observable, ReplaySubject } from 'rxjs';
import { IN_CALL_CONNECTION } from './in-call-connection';

/**
 * The pre-negotiated data channels of a call, beside the control channel (id 0). Both sides create
 * each one with the same id as soon as the connection exists, so none needs a `datachannel` event,
 * a new offer, or a message of its own. docs/protocol.md ("In-call data channels") lists them.
 */
export const CHAT_CHANNEL = { label: 'chat', id: 1 } as const;
export const FILES_CHANNEL = { label: 'files', id: 2 } as const;

/**
 * Messages held for a feature that has not taken its channel yet. The features come with the call
 * stage's chunk, a moment after the connection; a peer cannot make the page hold more than this.
 */
export const HELD_MESSAGES_MAX = 256;

export function openNegotiatedChannel(
  pc: RTCPeerConnection,
  { label, id }: { label: string; id: number },
): RTCDataChannel {
  const channel = pc.createDataChannel(label, { negotiated: true, id, ordered: true });
  // Files arrive as bytes; Firefox's default would hand them over as Blobs.
  channel.binaryType = 'arraybuffer';
  return channel;
}

/** A channel opened with the connection, its messages held until its feature takes it. */
export class HeldChannel {
  private held: MessageEvent[] | null = [];

  constructor(readonly channel: RTCDataChannel) {
    channel.onmessage = (event: MessageEvent) => {
      if (this.held && this.held.length < HELD_MESSAGES_MAX) this.held.push(event);
      else console.debug(`[${channel.label}] dropped a message that came before the feature was ready`);
    };
  }

  /** Hands the channel to its feature: what arrived before comes first, in order. */
  take(onMessage: (event: MessageEvent) => void): RTCDataChannel {
    const held = this.held ?? [];
    this.held = null;
    this.channel.onmessage = onMessage;
    for (const event of held) onMessage(event);
    return this.channel;
  }
}

export interface CallChannels {
  readonly chat: HeldChannel;
  readonly files: HeldChannel;
}

/**
 * Opens the call's channels the moment its connection exists, before the first offer or answer
 * (and before the features, which come with the call stage's chunk, are loaded). Emits them, then
 * null when the call ends; a late subscriber gets the current ones.
 */
@Injectable({ providedIn: 'root' })
export class InCallChannels {
  private readonly subject = new ReplaySubject<CallChannels | null>(1);
  readonly channels$: Observable<CallChannels | null> = this.subject.asObservable();

  constructor() {
    inject(IN_CALL_CONNECTION)
      .peerConnection$.pipe(takeUntilDestroyed(inject(DestroyRef)))
      .subscribe((pc) =>
        this.subject.next(
          pc && {
            chat: new HeldChannel(openNegotiatedChannel(pc, CHAT_CHANNEL)),
            files: new HeldChannel(openNegotiatedChannel(pc, FILES_CHANNEL)),
          },
        ),
      );
  }
}
