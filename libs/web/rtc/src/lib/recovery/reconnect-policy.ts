import { InjectionToken } from '@angular/core';
import { CloseCode } from '@duet/shared/protocol';

/**
 * Why the signaling connection is down when nobody asked for that. Codes, not words:
 * - `unreachable`: an outage (network, or the server down or restarting); retrying with backoff.
 * - `overloaded`: the server refused the connection for load (429: too many from this address,
 *   503: full or shutting down); retrying, but slowly, in `retryInMs`.
 * - `sign-in-required` (401) and `origin-refused` (403): retrying cannot help; stopped until the
 *   user acts (a fresh sign-in, or another address).
 * - `access-revoked` (close 4403): a guest's invite was revoked; the session is over for good.
 */
export type ConnectionProblem =
  | { kind: 'unreachable' }
  | { kind: 'overloaded'; status: 429 | 503; retryInMs: number }
  | { kind: 'sign-in-required' }
  | { kind: 'origin-refused' }
  | { kind: 'access-revoked' };

/** What `GET /ws/admission` said after a socket failed to open (docs/protocol.md, Resume). */
export type AdmissionVerdict = { kind: 'admitted' } | { kind: 'unreachable' } | { kind: 'refused'; status: number };

/** After losing the socket, or failing to open one: try again in `delayMs`, or stay down. */
export type ReconnectDecision =
  | { action: 'retry'; delayMs: number; problem: ConnectionProblem }
  /** `problem` null: a quiet close (nothing wrong, nothing to say). */
  | { action: 'stop'; problem: ConnectionProblem | null };

export interface ReconnectPolicy {
  /**
   * The first retry after an open socket drops (or the server shuts down) comes at a random moment
   * within this: at once for one client whose link blinked, spread out for all of a server's clients
   * coming back together. Default 250 ms.
   */
  firstRetryJitterMs: number;
  /** Delay ceiling of the retry after the first one in an outage; doubles per failed attempt. Default 300 ms. */
  initialDelayMs: number;
  /** Upper bound of any outage delay, so a long outage is retried at a sane rate. Default 10 s. */
  maxDelayMs: number;
  /**
   * Upper bound of an outage delay while a call is in progress and the outage is younger than the
   * server's resume window: the server that comes back (a restart takes a few seconds) is tried again
   * within this, so the call is claimed back soon. Default 600 ms.
   */
  inCallMaxDelayMs: number;
  /** Delay ceiling of the first retry after a 429/503: the server asked for less load. Default 5 s. */
  overloadedDelayMs: number;
  /** Upper bound while the server keeps refusing for load. Default 60 s. */
  maxOverloadedDelayMs: number;
}

export const RECONNECT_POLICY = new InjectionToken<ReconnectPolicy>('RECONNECT_POLICY', {
  providedIn: 'root',
  factory: () => ({
    firstRetryJitterMs: 250,
    initialDelayMs: 300,
    maxDelayMs: 10_000,
    inCallMaxDelayMs: 600,
    overloadedDelayMs: 5_000,
    maxOverloadedDelayMs: 60_000,
  }),
});

/**
 * Exponential backoff with "equal jitter": a random delay in the upper half of the attempt's
 * ceiling, so clients dropped by one server restart do not all come back in the same instant.
 */
export function backoffDelayMs(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** attempt);
  return ceiling / 2 + (random() * ceiling) / 2;
}

/**
 * What the outage backoff may know: `inCall`, a call is in progress and the outage is younger
 * than the server's resume window (RecoveryPolicy decides), so delays stay under `inCallMaxDelayMs`.
 */
export interface OutageContext {
  inCall: boolean;
  random: () => number;
}

// Math.random looked up per call: a test's spy on it must be seen.
const DEFAULT_CONTEXT: OutageContext = { inCall: false, random: () => Math.random() };

/**
 * An open socket closed with `code`. `attempt` counts failures since the last open socket.
 * Shutdown (1001) reconnects at once plus jitter (every client of that server comes back
 * together); an expired token (4401, a fresh one is fetched per connect) at once; the server's
 * login deadline (1008 before any login) is a quiet close, as nobody is waiting for this socket;
 * anything else is an outage.
 */
export function afterClose(
  code: number,
  loggedIn: boolean,
  attempt: number,
  policy: ReconnectPolicy,
  context: OutageContext = DEFAULT_CONTEXT,
): ReconnectDecision {
  if (code === CloseCode.policyViolation && !loggedIn) return { action: 'stop', problem: null };
  // A revoked invite's token is refused at every upgrade: reconnecting would only say so again.
  if (code === CloseCode.accessRevoked) return { action: 'stop', problem: { kind: 'access-revoked' } };
  if (code === CloseCode.credentialsExpired) return { action: 'retry', delayMs: 0, problem: { kind: 'unreachable' } };
  if (code === CloseCode.goingAway) return { action: 'retry', delayMs: firstRetryDelayMs(policy, context.random), problem: { kind: 'unreachable' } };
  return outage(attempt, policy, context);
}

/** A socket never opened; `verdict` is what `/ws/admission` said about it. */
export function afterFailedOpen(
  verdict: AdmissionVerdict,
  attempt: number,
  policy: ReconnectPolicy,
  context: OutageContext = DEFAULT_CONTEXT,
): ReconnectDecision {
  const { random } = context;
  if (verdict.kind !== 'refused') return outage(attempt, policy, context);
  switch (verdict.status) {
    case 401:
      return { action: 'stop', problem: { kind: 'sign-in-required' } };
    case 403:
      return { action: 'stop', problem: { kind: 'origin-refused' } };
    case 429:
    case 503: {
      const delayMs = backoffDelayMs(attempt, policy.overloadedDelayMs, policy.maxOverloadedDelayMs, random);
      return { action: 'retry', delayMs, problem: { kind: 'overloaded', status: verdict.status, retryInMs: delayMs } };
    }
    default:
      return outage(attempt, policy, context);
  }
}

/**
 * Attempt 0 (the socket just dropped, or the very first open failed) is retried at once plus
 * jitter: a blink of the link heals in one round trip. The backoff starts after it; while a call
 * is in progress its ceiling stops at `inCallMaxDelayMs`, so a server back from a restart is
 * reached within that (each client at its own random moment: no stampede), and after the resume
 * window the usual ceiling applies again.
 */
function outage(attempt: number, policy: ReconnectPolicy, { inCall, random }: OutageContext): ReconnectDecision {
  const maxMs = inCall ? Math.min(policy.maxDelayMs, policy.inCallMaxDelayMs) : policy.maxDelayMs;
  const delayMs = attempt === 0 ? firstRetryDelayMs(policy, random) : backoffDelayMs(attempt - 1, policy.initialDelayMs, maxMs, random);
  return { action: 'retry', delayMs, problem: { kind: 'unreachable' } };
}

function firstRetryDelayMs(policy: ReconnectPolicy, random: () => number): number {
  return random() * policy.firstRetryJitterMs;
}
