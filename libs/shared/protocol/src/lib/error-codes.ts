import * as z from 'zod/mini';

/** Every `code` an `error` message can carry. docs/protocol.md explains each. */
export const ErrorCodeSchema = z.enum([
  'binary-frame',
  'invalid-json',
  'invalid-message',
  'unknown-type',
  'not-logged-in',
  'already-logged-in',
  'user-offline',
  'self-call',
  'forbidden',
  'already-in-call',
  'not-in-call',
  'offer-pending',
  'no-offer',
  'peer-backlogged',
  'stale-call',
  'rate-limited',
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/**
 * Why a `login` failed: the name is someone else's, breaks the naming rule, is not the one the
 * connection authenticated as, or the server cannot reach the directory of users just now
 * (`unavailable`: try again shortly, on this server or another).
 */
export const LoginFailureReasonSchema = z.enum(['taken', 'invalid', 'forbidden', 'unavailable']);
export type LoginFailureReason = z.infer<typeof LoginFailureReasonSchema>;

/**
 * Why a `token` was refused: it did not verify or has expired (`invalid`), it names another user
 * (`forbidden`), or this server's authenticator cannot take credentials in-band (`unsupported`:
 * open mode, or an authenticator of the embedding application's own).
 */
export const TokenFailureReasonSchema = z.enum(['invalid', 'forbidden', 'unsupported']);
export type TokenFailureReason = z.infer<typeof TokenFailureReasonSchema>;

/** Why a call ended, as carried by `close`: hung up, connection lost, or nobody answered in time. */
/** `unreachable`: the callee was offline and none of their devices could be rung (see `ringing`'s `devices`). */
export const CloseReasonSchema = z.enum(['hangup', 'disconnected', 'timeout', 'unreachable']);
export type CloseReason = z.infer<typeof CloseReasonSchema>;
