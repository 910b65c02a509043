import { CHAT_TEXT_MAX_LENGTH, encodeChatMessage, parseChatMessage } from './chat-message';

describe('chat messages', () => {
  it('round-trips text, markup included, as text', () => {
    expect(parseChatMessage(encodeChatMessage('<b>hi</b> & "you"'))).toBe('<b>hi</b> & "you"');
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
