import * as z from 'zod/mini';
import {
  CANDIDATE_MAX_LENGTH,
  CandidateMessage,
  CLIENT_MESSAGE_TYPES,
  ClientMessage,
  ClientMessageSchema,
  IceCandidate,
} from './client-messages';
import { USERNAME_MAX_LENGTH } from './username';
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
  useEnglishMessages();
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
  if (type === 'candidate') {
    const fast = candidateFastPath(value as Record<string, unknown>);
    if (fast !== undefined) return { ok: true, message: fast };
  }
  const parsed = ClientMessageSchema.safeParse(value);
  if (!parsed.success) {
    return fail('invalid-message', describe(parsed.error), type);
  }
  return { ok: true, message: parsed.data };
}

let englishMessages = false;

/**
 * zod/mini ships no error messages of its own ("Invalid input" for everything); the server's
 * replies name the problem, so the first parse installs zod's English ones (the same text classic
 * zod gives). Done here, not at import, so the browser, which never parses client frames, does
 * not download them.
 */
function useEnglishMessages(): void {
  if (englishMessages) return;
  englishMessages = true;
  z.config(z.locales.en());
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
function describe(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.length > 0 ? issue.path.join('.') : 'message';
  return `${path}: ${issue.message}`;
}

/** Never echo a whole hostile string back. */
function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * `candidate` is most of the traffic, so it gets a hand-written check of exactly the schema's
 * rules (a property test holds the two equal). It only ever accepts: anything it does not accept
 * goes through the schema, which then says precisely what is wrong.
 */
export function candidateFastPath(value: Record<string, unknown>): CandidateMessage | undefined {
  const target = value['otherUsername'];
  const init = value['candidate'];
  if (typeof target !== 'string' || target.length < 1 || target.length > USERNAME_MAX_LENGTH * 2) return undefined;
  if (typeof init !== 'object' || init === null || Array.isArray(init)) return undefined;
  const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = init as Record<string, unknown>;
  if (typeof candidate !== 'string' || candidate.length > CANDIDATE_MAX_LENGTH) return undefined;
  const out: IceCandidate = { candidate };
  if (sdpMid !== undefined) {
    if (sdpMid !== null && (typeof sdpMid !== 'string' || sdpMid.length > 64)) return undefined;
    out.sdpMid = sdpMid;
  }
  if (sdpMLineIndex !== undefined) {
    if (sdpMLineIndex !== null && !(Number.isInteger(sdpMLineIndex) && (sdpMLineIndex as number) >= 0 && (sdpMLineIndex as number) <= 1_023)) {
      return undefined;
    }
    out.sdpMLineIndex = sdpMLineIndex as number | null;
  }
  if (usernameFragment !== undefined) {
    if (usernameFragment !== null && (typeof usernameFragment !== 'string' || usernameFragment.length > 256)) return undefined;
    out.usernameFragment = usernameFragment;
  }
  return { type: 'candidate', candidate: out, otherUsername: target };
}
