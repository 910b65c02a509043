import { ErrorMessage } from '@duet/shared/protocol';
import { CallNotice } from '../call/call-notice';

/** What an `error` from the server means for the call: end it, fail it, say something, or nothing. */
export type ErrorOutcome =
  | { action: 'end'; notice: CallNotice }
  | { action: 'fail-setup' }
  | { action: 'notify'; notice: CallNotice }
  | { action: 'none' };

/**
 * Every error code has its answer here, including those that mean a bug on our side. `peer` is the
 * other party of the current call (null: no call); `dialling`: our first offer is out unanswered.
 */
export function errorOutcome(message: ErrorMessage, peer: string | null, dialling: boolean): ErrorOutcome {
  switch (message.code) {
    case 'user-offline':
      return peer === null ? { action: 'none' } : { action: 'end', notice: { code: 'offline', peer } };
    case 'self-call':
      return peer === null ? { action: 'none' } : { action: 'end', notice: { code: 'self-call' } };
    case 'already-in-call':
      return peer === null ? { action: 'none' } : { action: 'end', notice: { code: 'server-busy-in-call' } };
    case 'not-in-call':
    case 'stale-call':
    case 'offer-pending':
    case 'no-offer':
    case 'peer-backlogged':
      // Late signaling for a call that has just ended, or a step the peer no longer needs.
      console.debug(`[call] server: ${message.message}`);
      return { action: 'none' };
    case 'already-logged-in':
      // A second login on a socket that is logged in changes nothing; the session stands.
      console.debug(`[call] server: ${message.message}`);
      return { action: 'none' };
    case 'not-logged-in':
      return { action: 'notify', notice: { code: 'not-logged-in' } };
    case 'rate-limited':
      return { action: 'notify', notice: { code: 'rate-limited' } };
    case 'internal':
    case 'binary-frame':
    case 'invalid-json':
    case 'invalid-message':
    case 'unknown-type':
      console.warn(`[call] server refused a message (${message.code}): ${message.message}`);
      // A refused offer means the call cannot start; anything else is worth a word, not an end.
      if (message.replyTo === 'offer' && dialling) return { action: 'fail-setup' };
      return { action: 'notify', notice: { code: 'server-error' } };
  }
  // `unavailable` is a reason a login fails with, never one a call step gets.
  return { action: 'none' };
}
