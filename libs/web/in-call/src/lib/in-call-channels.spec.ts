import { EnvironmentInjector, createEnvironmentInjector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { BehaviorSubject } from 'rxjs';
import { ChatService } from './chat/chat.service';
import { encodeChatMessage, encodeChatReceipt } from './chat/chat-message';
import { CallChannels, HELD_MESSAGES_MAX, InCallChannels } from './in-call-channels';
import { IN_CALL_CONNECTION } from './in-call-connection';

class Channel {
  readyState: RTCDataChannelState = 'connecting';
  binaryType = 'blob';
  readonly sent: string[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(
    readonly label: string,
    readonly options: RTCDataChannelInit,
  ) {}
  send(data: string): void {
    this.sent.push(data);
  }
}

/** The features (chat, files) come with the call stage's chunk, after the connection and its channels. */
describe(InCallChannels.name, () => {
  let pc$: BehaviorSubject<RTCPeerConnection | null>;
  let injector: EnvironmentInjector;
  let opened: Map<string, Channel>;
  const connect = () => {
    opened = new Map();
    const pc = {
      createDataChannel: (label: string, options: RTCDataChannelInit) => {
        const channel = new Channel(label, options);
        opened.set(label, channel);
        return channel;
      },
    } as unknown as RTCPeerConnection;
    pc$.next(pc);
  };
  const deliver = (label: string, data: string) => opened.get(label)?.onmessage?.({ data });

  beforeEach(() => {
    pc$ = new BehaviorSubject<RTCPeerConnection | null>(null);
    injector = createEnvironmentInjector(
      [{ provide: IN_CALL_CONNECTION, useValue: { peerConnection$: pc$ } }, InCallChannels, ChatService],
      TestBed.inject(EnvironmentInjector),
    );
    injector.get(InCallChannels);
  });

  it('opens the negotiated chat and files channels the moment the connection exists, bytes as ArrayBuffers', () => {
    connect();
    expect([...opened.keys()]).toEqual(['chat', 'files']);
    expect(opened.get('chat')?.options).toEqual({ negotiated: true, id: 1, ordered: true });
    expect(opened.get('files')?.options).toEqual({ negotiated: true, id: 2, ordered: true });
    expect(opened.get('files')?.binaryType).toBe('arraybuffer');
  });

  it('holds what arrives before the chat is loaded and hands it over in order, on a channel already open', () => {
    connect();
    const channel = opened.get('chat') as Channel;
    channel.readyState = 'open';
    channel.onopen?.();
    deliver('chat', encodeChatMessage('one', 1));
    deliver('chat', encodeChatMessage('two', 2));

    const chat = injector.get(ChatService);
    expect(chat.ready()).toBe(true);
    expect(chat.entries().map(({ text }) => text)).toEqual(['one', 'two']);
    expect(chat.unread()).toBe(2);
    expect(channel.sent).toEqual([encodeChatReceipt(1), encodeChatReceipt(2)]);
    deliver('chat', encodeChatMessage('three', 3));
    expect(chat.entries().map(({ text }) => text)).toEqual(['one', 'two', 'three']);
  });

  it('holds a bounded number of messages for a feature that never comes', () => {
    connect();
    let current: CallChannels | null = null;
    injector.get(InCallChannels).channels$.subscribe((channels) => (current = channels));
    for (let i = 0; i < HELD_MESSAGES_MAX + 10; i++) deliver('chat', encodeChatMessage(`m${i}`, i + 1));
    const handed: unknown[] = [];
    (current as unknown as CallChannels).chat.take(({ data }) => handed.push(data));
    expect(handed).toHaveLength(HELD_MESSAGES_MAX);
    expect(handed[0]).toBe(encodeChatMessage('m0', 1));
  });

  it('says null when the call ends, and opens new channels for the next call', () => {
    const seen: (CallChannels | null)[] = [];
    injector.get(InCallChannels).channels$.subscribe((channels) => seen.push(channels));
    connect();
    pc$.next(null);
    connect();
    expect(seen.map((channels) => channels !== null)).toEqual([false, true, false, true]);
  });
});
