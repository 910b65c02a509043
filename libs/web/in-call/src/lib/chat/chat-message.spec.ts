import { CHAT_TEXT_MAX_LENGTH, encodeChatMessage, encodeChatReceipt, parseChatFrame, parseChatMessage } from './chat-message';

describe('chat messages', () => {
  it('round-trips text, markup included, as text', () => {
    expect(parseChatMessage(encodeChatMessage('<b>hi</b> & "you"'))).toBe('<b>hi</b> & "you"');
  });

  it('carries a message number that asks for a receipt, and the receipt; bad numbers are dropped', () => {
    expect(parseChatFrame(encodeChatMessage('hi', 3))).toEqual({ type: 'chat', text: 'hi', id: 3 });
    expect(parseChatFrame(encodeChatMessage('hi'))).toEqual({ type: 'chat', text: 'hi' });
    expect(parseChatFrame(encodeChatReceipt(3))).toEqual({ type: 'chat-received', id: 3 });
    expect(parseChatMessage(encodeChatReceipt(3))).toBeNull();
    for (const id of [0, -1, 1.5, 2 ** 31, '3', null]) {
      expect(parseChatFrame(JSON.stringify({ type: 'chat-received', id }))).toBeNull();
      // A message with a bad number still shows; it only gets no receipt.
      expect(parseChatFrame(JSON.stringify({ type: 'chat', text: 'hi', id }))).toEqual({ type: 'chat', text: 'hi' });
    }
  });

  it('fits the longest numbered message, every character escaped, in a frame', () => {
    const text = '\u0001'.repeat(CHAT_TEXT_MAX_LENGTH);
    expect(parseChatMessage(encodeChatMessage(text, 2 ** 31 - 1))).toBe(text);
  });

  it('accepts the longest message even when every character is escaped', () => {
    const text = '\u0001'.repeat(CHAT_TEXT_MAX_LENGTH);
    expect(parseChatMessage(encodeChatMessage(text))).toBe(text);
  });

  it('drops empty, over-long, binary, malformed and unknown frames', () => {
    expect(parseChatMessage(encodeChatMessage('   '))).toBeNull();
    expect(parseChatMessage(encodeChatMessage('x'.repeat(CHAT_TEXT_MAX_LENGTH + 1)))).toBeNull();
    expect(parseChatMessage(new ArrayBuffer(4))).toBeNull();
    expect(parseChatMessage('{not json')).toBeNull();
    expect(parseChatMessage(JSON.stringify({ type: 'typing' }))).toBeNull();
    expect(parseChatMessage(JSON.stringify({ type: 'chat', text: 5 }))).toBeNull();
  });
});
