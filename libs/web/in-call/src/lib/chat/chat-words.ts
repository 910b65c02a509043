import { ChatDelivery } from './chat.service';

// The chat's sentences (the panel's and the chat button's).

export const CHAT_TITLE = 'Chat';
export const CHAT_PLACEHOLDER = 'Message';
export const CHAT_SEND = 'Send';
export const CHAT_EMPTY = 'Messages stay between the two of you and are gone when the call ends.';
export const CHAT_YOU = 'You';
/** Under the message box while the chat channel is not open (the call is still connecting, or it broke). */
export const CHAT_NOT_CONNECTED = 'Chat is not connected: messages can be sent once the call’s connection is up.';

const CHAT_DELIVERY: Record<ChatDelivery, string> = {
  sending: 'Sending…',
  delivered: 'Delivered',
  'not-delivered': 'Not delivered: they have not confirmed it',
};

export function chatDeliveryWords(delivery: ChatDelivery): string {
  return CHAT_DELIVERY[delivery];
}

export function chatButtonLabel(open: boolean, unread: number): string {
  if (open) return 'Close chat';
  if (unread === 0) return 'Open chat';
  return `Open chat, ${unread} unread message${unread === 1 ? '' : 's'}`;
}

/** `14:05`, in the reader's own clock and locale. */
export function chatTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
