import { EnvironmentInjector, createEnvironmentInjector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { BehaviorSubject } from 'rxjs';
import { CallController } from '../call-controller.service';
import { CHAT_TEXT_MAX_LENGTH, encodeChatMessage } from './chat-message';
import { ChatService } from './chat.service';

class Channel {
  readyState: RTCDataChannelState = 'connecting';
  readonly sent: string[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  send(data: string): void {
    this.sent.push(data);
  }
}

describe(ChatService.name, () => {
  let pc$: BehaviorSubject<RTCPeerConnection | null>;
  let channel: Channel;
  let chat: ChatService;
  const connect = () => {
    const pc = { createDataChannel: () => (channel = new Channel()) } as unknown as RTCPeerConnection;
    pc$.next(pc);
    channel.readyState = 'open';
    channel.onopen?.();
  };

  beforeEach(() => {
    pc$ = new BehaviorSubject<RTCPeerConnection | null>(null);
    const injector = createEnvironmentInjector(
      [{ provide: CallController, useValue: { peerConnection$: pc$ } }, ChatService],
      TestBed.inject(EnvironmentInjector),
    );
    chat = injector.get(ChatService);
    connect();
  });

  it('sends bounded, non-empty text only while the channel is open', () => {
    expect(chat.send('  ')).toBe(false);
    expect(chat.send('x'.repeat(CHAT_TEXT_MAX_LENGTH + 1))).toBe(false);
    expect(chat.send('hi')).toBe(true);
    expect(channel.sent).toEqual([encodeChatMessage('hi')]);
    expect(chat.entries().map(({ mine, text }) => ({ mine, text }))).toEqual([{ mine: true, text: 'hi' }]);
    channel.readyState = 'closed';
    channel.onclose?.();
    expect(chat.ready()).toBe(false);
    expect(chat.send('later')).toBe(false);
  });

  it('counts what arrives while the panel is closed, and nothing while it is open', () => {
    channel.onmessage?.({ data: encodeChatMessage('one') });
    channel.onmessage?.({ data: '{"type":"typing"}' });
    expect(chat.unread()).toBe(1);
    chat.setPanelOpen(true);
    expect(chat.unread()).toBe(0);
    channel.onmessage?.({ data: encodeChatMessage('two') });
    expect(chat.unread()).toBe(0);
    expect(chat.entries().map((entry) => entry.text)).toEqual(['one', 'two']);
  });

  it('forgets the conversation when the call ends', () => {
    chat.send('hi');
    pc$.next(null);
    expect(chat.entries()).toEqual([]);
    connect();
    expect(chat.entries()).toEqual([]);
  });
});
