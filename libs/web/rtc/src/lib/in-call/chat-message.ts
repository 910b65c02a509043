/** Longest chat message, in UTF-16 code units (what `maxlength` counts). */
export const CHAT_TEXT_MAX_LENGTH = 2_000;
/** Longest frame read: 2,000 characters escaped as `\uXXXX` each, and the envelope. */
export const CHAT_FRAME_MAX_LENGTH = CHAT_TEXT_MAX_LENGTH * 6 + 256;

/** The one message of the chat channel: `{"type":"chat","text":T}`, JSON text, T 1–2,000 characters. */
export interface ChatWireMessage {
  type: 'chat';
  text: string;
}

export function encodeChatMessage(text: string): string {
  return JSON.stringify({ type: 'chat', text } satisfies ChatWireMessage);
}

/** The text of a valid chat frame, or null: anything else is dropped (a newer peer may send more). */
export function parseChatMessage(data: unknown): string | null {
  if (typeof data !== 'string' || data.length > CHAT_FRAME_MAX_LENGTH) return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { type, text } = value as Record<string, unknown>;
  if (type !== 'chat' || typeof text !== 'string') return null;
  return isSendable(text) ? text : null;
}

export function isSendable(text: string): boolean {
  return text.trim().length > 0 && text.length <= CHAT_TEXT_MAX_LENGTH;
}
