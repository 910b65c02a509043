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
  'already-in-call',
  'not-in-call',
  'offer-pending',
  'no-offer',
  'peer-backlogged',
  'rate-limited',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/**
 * Why a `login` failed: the name is someone else's, breaks the naming rule, or is not the one the
 * connection authenticated as.
 */
export const LoginFailureReasonSchema = z.enum(['taken', 'invalid', 'forbidden']);
export type LoginFailureReason = z.infer<typeof LoginFailureReasonSchema>;

/** Why a call ended, as carried by `close`: hung up, connection lost, or nobody answered in time. */
export const CloseReasonSchema = z.enum(['hangup', 'disconnected', 'timeout']);
export type CloseReason = z.infer<typeof CloseReasonSchema>;
