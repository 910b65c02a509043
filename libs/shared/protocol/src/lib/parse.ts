import * as z from 'zod';
import { CLIENT_MESSAGE_TYPES, ClientMessage, ClientMessageSchema } from './client-messages';
import { ErrorCode } from './error-codes';
import { ServerMessage, ServerMessageSchema } from './server-messages';

export interface ProtocolViolation {
  code: ErrorCode;
  message: string;
  /** The frame's `type`, when it had a string one. */
  replyTo?: string;
}

export type ParseResult<T> = { ok: true; message: T } | { ok: false; violation: ProtocolViolation };

const knownClientTypes = new Set<string>(CLIENT_MESSAGE_TYPES);

/**
 * Turns one inbound WebSocket frame into a valid client message, or says exactly what is wrong
 * with it. Never throws: every frame, however broken, gets an answer.
 */
export function parseClientFrame(frame: string | Uint8Array): ParseResult<ClientMessage> {
  if (typeof frame !== 'string') {
    return fail('binary-frame', 'binary frames are not supported; send JSON text');
  }
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return fail('invalid-json', 'the frame is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('invalid-message', 'a message must be a JSON object');
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') {
    return fail('invalid-message', 'a message needs a string "type"');
  }
  if (!knownClientTypes.has(type)) {
    return fail('unknown-type', `unknown message type "${truncate(type)}"`, truncate(type));
  }
  const parsed = ClientMessageSchema.safeParse(value);
  if (!parsed.success) {
    return fail('invalid-message', describe(parsed.error), type);
  }
  return { ok: true, message: parsed.data };
}

/** The browser's side: validates what the server sent before anything acts on it. */
export function parseServerFrame(frame: string): ParseResult<ServerMessage> {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return fail('invalid-json', 'the server sent a frame that is not JSON');
  }
  const parsed = ServerMessageSchema.safeParse(value);
  return parsed.success
    ? { ok: true, message: parsed.data }
    : fail('invalid-message', describe(parsed.error));
}

function fail(code: ErrorCode, message: string, replyTo?: string): ParseResult<never> {
  return { ok: false, violation: replyTo === undefined ? { code, message } : { code, message, replyTo } };
}

/** The first problem, with its path: enough to fix a client, short enough to send back. */
function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.length > 0 ? issue.path.join('.') : 'message';
  return `${path}: ${issue.message}`;
}

/** Never echo a whole hostile string back. */
function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
