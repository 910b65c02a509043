import { parseChannelFrame } from '@duet/web/rtc';

/** Longest chat message, in UTF-16 code units (what `maxlength` counts). */
export const CHAT_TEXT_MAX_LENGTH = 2_000;
/** Longest frame read: 2,000 characters escaped as `\uXXXX` each, and the envelope. */
export const CHAT_FRAME_MAX_LENGTH = CHAT_TEXT_MAX_LENGTH * 6 + 256;

/** Message numbers are positive integers that fit 31 bits (a long call never comes near). */
const MAX_MESSAGE_ID = 2 ** 31 - 1;

/**
 * The frames of the chat channel, JSON text: a message (T 1–2,000 characters; `id`, when present,
 * asks for a receipt) and the receipt that says message `id` arrived. A peer without receipts
 * sends no `id` and ignores receipts.
 */
export type ChatFrame = { type: 'chat'; text: string; id?: number } | { type: 'chat-received'; id: number };

export function encodeChatMessage(text: string, id?: number): string {
  return JSON.stringify({ type: 'chat', text, ...(id !== undefined && { id }) } satisfies ChatFrame);
}

export function encodeChatReceipt(id: number): string {
  return JSON.stringify({ type: 'chat-received', id } satisfies ChatFrame);
}

function isMessageId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MAX_MESSAGE_ID;
}

/** A valid chat frame, or null: anything else is dropped (a newer peer may send more). */
export function parseChatFrame(data: unknown): ChatFrame | null {
  const frame = parseChannelFrame(data, CHAT_FRAME_MAX_LENGTH);
  if (frame === null) return null;
  const { type, text, id } = frame;
  if (type === 'chat-received') return isMessageId(id) ? { type, id } : null;
  if (type !== 'chat' || typeof text !== 'string' || !isSendable(text)) return null;
  return isMessageId(id) ? { type, text, id } : { type, text };
}

/** The text of a valid chat message frame, or null. */
export function parseChatMessage(data: unknown): string | null {
  const frame = parseChatFrame(data);
  return frame?.type === 'chat' ? frame.text : null;
}

export function isSendable(text: string): boolean {
  return text.trim().length > 0 && text.length <= CHAT_TEXT_MAX_LENGTH;
}
