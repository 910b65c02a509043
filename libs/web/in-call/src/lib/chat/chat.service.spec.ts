import { EnvironmentInjector, createEnvironmentInjector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { BehaviorSubject } from 'rxjs';
import { InCallChannels } from '../in-call-channels';
import { IN_CALL_CONNECTION } from '../in-call-connection';
import { CHAT_TEXT_MAX_LENGTH, encodeChatMessage, encodeChatReceipt } from './chat-message';
import { CHAT_RECEIPT_TIMEOUT_MS, ChatService } from './chat.service';

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
    const pc = {
      createDataChannel: (label: string) => {
        const opened = new Channel();
        if (label === 'chat') channel = opened;
        return opened;
      },
    } as unknown as RTCPeerConnection;
    pc$.next(pc);
    channel.readyState = 'open';
    channel.onopen?.();
  };

  beforeEach(() => {
    pc$ = new BehaviorSubject<RTCPeerConnection | null>(null);
    const injector = createEnvironmentInjector(
      [{ provide: IN_CALL_CONNECTION, useValue: { peerConnection$: pc$ } }, InCallChannels, ChatService],
      TestBed.inject(EnvironmentInjector),
    );
    chat = injector.get(ChatService);
    connect();
  });

  it('sends bounded, non-empty text only while the channel is open', () => {
    expect(chat.send('  ')).toBe(false);
    expect(chat.send('x'.repeat(CHAT_TEXT_MAX_LENGTH + 1))).toBe(false);
    expect(chat.send('hi')).toBe(true);
    expect(channel.sent).toEqual([encodeChatMessage('hi', 1)]);
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

  describe('receipts', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    const delivery = () => chat.entries().filter((entry) => entry.mine).map((entry) => entry.delivery);

    it('confirms what arrives with a receipt, and marks its own message delivered by the other side’s', () => {
      channel.onmessage?.({ data: encodeChatMessage('from them', 7) });
      expect(channel.sent).toEqual([encodeChatReceipt(7)]);
      // A peer without receipts asks for none.
      channel.onmessage?.({ data: encodeChatMessage('from an older peer') });
      expect(channel.sent).toHaveLength(1);

      chat.send('hi');
      const id = chat.entries().at(-1)?.id ?? 0;
      expect(delivery()).toEqual(['sending']);
      channel.onmessage?.({ data: encodeChatReceipt(id) });
      expect(delivery()).toEqual(['delivered']);
      jest.advanceTimersByTime(CHAT_RECEIPT_TIMEOUT_MS);
      expect(delivery()).toEqual(['delivered']);
      // A receipt is not a message.
      expect(chat.entries().filter((entry) => !entry.mine)).toHaveLength(2);
    });

    it('says a message was not delivered when no receipt comes in time, and corrects itself on a late one', () => {
      chat.send('anyone?');
      jest.advanceTimersByTime(CHAT_RECEIPT_TIMEOUT_MS - 1);
      expect(delivery()).toEqual(['sending']);
      jest.advanceTimersByTime(1);
      expect(delivery()).toEqual(['not-delivered']);
      channel.onmessage?.({ data: encodeChatReceipt(chat.entries()[0].id) });
      expect(delivery()).toEqual(['delivered']);
    });

    it('says messages still waiting were not delivered when the channel closes', () => {
      chat.send('one');
      chat.send('two');
      channel.readyState = 'closed';
      channel.onclose?.();
      expect(delivery()).toEqual(['not-delivered', 'not-delivered']);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('says a message the channel refused was not delivered', () => {
      channel.send = () => {
        throw new Error('InvalidStateError');
      };
      jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      expect(chat.send('hi')).toBe(true);
      expect(delivery()).toEqual(['not-delivered']);
    });

    it('leaves no deadline behind when the call ends', () => {
      chat.send('hi');
      pc$.next(null);
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  it('forgets the conversation when the call ends', () => {
    chat.send('hi');
    pc$.next(null);
    expect(chat.entries()).toEqual([]);
    connect();
    expect(chat.entries()).toEqual([]);
  });
});
