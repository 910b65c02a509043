import { OnlineUser } from './user-directory';

/** A message naming a call (`callId`) that is not the sender's current call: it belongs to one that ended. */
export interface Stale {
  readonly outcome: 'stale';
}

/**
 * What an `offer` may do: start a call, travel inside the call the two already share, or why
 * neither. `offer-pending`: the call still rings and the sender's previous offer is unanswered; a
 * ringing callee needs one offer, not a stream of them.
 */
export type OfferResult =
  | { readonly outcome: 'ringing' | 'in-call'; readonly callId: string; readonly callee: OnlineUser }
  | { readonly outcome: 'offer-pending' | 'caller-busy' | 'callee-busy' | 'callee-offline' }
  | Stale;

/**
 * What an `answer` may do. Only the party that received an offer may answer it, once: the
 * call's other party cannot "answer" its own call, and nobody outside the call can answer at all.
 */
export type AnswerResult =
  | { readonly outcome: 'accepted'; readonly callId: string; readonly peer: OnlineUser }
  | { readonly outcome: 'not-in-call' }
  | { readonly outcome: 'no-offer' }
  | Stale;

/** The route for a relayed candidate: the peer, when the two share a call. */
export type PartnerResult =
  | { readonly outcome: 'in-call'; readonly callId: string; readonly peer: OnlineUser }
  | { readonly outcome: 'not-in-call' }
  | Stale;

/** A call that ended: its id and the other party, to tell. */
export interface EndedCall {
  readonly callId: string;
  readonly peer: string;
}

export type HangUpResult = ({ readonly outcome: 'ended' } & EndedCall) | { readonly outcome: 'not-in-call' } | Stale;

export type DeclineResult = { readonly outcome: 'declined'; readonly callId: string } | { readonly outcome: 'not-ringing' } | Stale;

/** The call a user is in, as a resumed session is told. */
export interface CurrentCall {
  readonly callId: string;
  readonly peer: string;
  readonly state: 'ringing' | 'active';
}

/**
 * A claim to a call the server no longer knows (it restarted): `restored` when the other party
 * claimed the same call (the call is active again), `waiting` until it does, `refused` when it
 * cannot be (either party is in another call, or someone else claimed that call).
 */
export type RejoinResult =
  | { readonly outcome: 'restored'; readonly peer: OnlineUser }
  | { readonly outcome: 'waiting' }
  | { readonly outcome: 'refused' };

export interface CallParties {
  readonly caller: string;
  readonly callee: string;
}

/**
 * The call rules: who may call whom, and what each call message may do to a call. Every method is
 * a whole decision (check and change together). Which outcome each method returns in which state
 * is written once, as data, in `CALL_TABLE` (`call-table.ts`): the in-memory registry runs that
 * table, and the contract (`testing/call-table-contract.ts`) holds every registry to it.
 *
 * A call has a server-chosen, unguessable `callId` and moves `ringing` -> `active` (first accepted
 * answer) -> gone (hang-up, decline, timeout, disconnect). Within it the registry tracks which
 * party holds an offer it has not answered, so each party can move only what is theirs to move.
 * Methods that take a `callId` refuse (`stale`) when it is not the sender's current call.
 */
export interface CallRules {
  /**
   * `caller` sends an offer to `callee`: starts a ringing call when both are free, or carries a
   * renegotiation (or glare) offer inside the call they share. Either way `callee` now holds an
   * offer to answer.
   */
  offer(caller: string, callee: string, callId?: string): Promise<OfferResult>;

  /** Ends call `callId` if it is still ringing (nobody answered in time); returns its parties. */
  expire(callId: string): Promise<CallParties | undefined>;

  /** `username` answers the offer it holds from `peer`: the call becomes active. */
  accept(username: string, peer: string, callId?: string): Promise<AnswerResult>;

  /**
   * The peer, when the two share a call, ringing or active: the gate for relaying candidates.
   * One lookup for the hottest path: the check and the route come back together, synchronously
   * when this instance knows the answer (no promise per candidate), else as a promise.
   */
  partnerInCall(username: string, peer: string, callId?: string): PartnerResult | Promise<PartnerResult>;

  /** Ends `username`'s call (only if it is with `peer`, when given). */
  hangUp(username: string, peer?: string, callId?: string): Promise<HangUpResult>;

  /** `callee` refuses the ringing call from `caller`. */
  decline(callee: string, caller: string, callId?: string): Promise<DeclineResult>;

  /** The call `username` is in, if any. */
  callOf(username: string): Promise<CurrentCall | undefined>;

  /** `username` (just logged in after a restart) claims call `callId` with `peer`. */
  rejoin(username: string, peer: string, callId: string): Promise<RejoinResult>;

  /** Drops `username`'s claim to `callId` if it is still waiting; true when it was. */
  abandonClaim(username: string, callId: string): Promise<boolean>;
}
