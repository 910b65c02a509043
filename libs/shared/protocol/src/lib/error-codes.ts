import { z } from 'zod';

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
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** Why a `login` failed: the name is someone else's, or breaks the naming rule. */
export const LoginFailureReasonSchema = z.enum(['taken', 'invalid']);
export type LoginFailureReason = z.infer<typeof LoginFailureReasonSchema>;

/** Why a call ended, as carried by `close`. */
export const CloseReasonSchema = z.enum(['hangup', 'disconnected']);
export type CloseReason = z.infer<typeof CloseReasonSchema>;
