import { MessageSink } from './message-sink';

export interface OnlineUser {
  /** The name as the user typed it at login. */
  readonly username: string;
  readonly sink: MessageSink;
}

export interface OnlineUsers {
  /** At most the requested number, in login order. */
  readonly users: readonly OnlineUser[];
  /** Everyone online. */
  readonly total: number;
}

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

/** Names starting with a prefix, in name order; `more` when there were more than asked for. */
export interface SearchResult {
  readonly users: readonly string[];
  readonly more: boolean;
}

/** Whether the registry can decide anything now; `reason` says why not, for operators. */
export type RegistryHealth = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/**
 * The registry cannot decide just now (its shared store is unreachable). Nothing changed; the
 * client is told to try again (`unavailable`), never that a name is taken or a user offline.
 */
export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
}

/**
 * Users released by the cluster rather than by a session of this instance: their instance died
 * (or left) and another one let their names go. `left` reaches one instance per user (presence);
 * `peerLost` reaches the instance of each released user's call partner, with the partner's entry.
 */
export interface Departures {
  left(username: string): void;
  peerLost(user: OnlineUser, peer: string, callId: string): void;
}

const READY: RegistryHealth = { ready: true };

/**
 * Who is online and who is in a call with whom: the one piece of state signaling needs.
 *
 * The DI token for the registry. Today's implementation keeps it in memory; a Redis one will
 * share it across instances, which is why every method is asynchronous and why each method is
 * a whole decision (check and change together), never a read the caller then acts on.
 * Names are matched case-insensitively (`usernameKey`).
 *
 * A call has a server-chosen, unguessable `callId` and moves `ringing` -> `active` (first accepted
 * answer) -> gone (hang-up, decline, timeout, disconnect). Within it the registry tracks which
 * party holds an offer it has not answered, so each party can move only what is theirs to move.
 * Methods that take a `callId` refuse (`stale`) when it is not the sender's current call.
 */
export abstract class UserRegistryService {
  /** Claims `username` for `sink`. False when someone already holds it. */
  abstract register(username: string, sink: MessageSink): Promise<boolean>;

  /**
   * Hands `username` from `previous` to `next` (a resumed session), if `previous` still holds it;
   * the user's call is untouched. False when someone else holds the name now.
   */
  abstract replace(username: string, previous: MessageSink, next: MessageSink): Promise<boolean>;

  /** Releases `username` if `sink` still holds it, ending any call (and claim) it had. */
  abstract unregister(username: string, sink: MessageSink): Promise<EndedCall | undefined>;

  abstract find(username: string): Promise<OnlineUser | undefined>;

  /** Up to `limit` online users (cost bounded by `limit`, not by how many are online). */
  abstract online(limit: number): Promise<OnlineUsers>;

  /** Those of `usernames` who are in a call, ringing or active (cost bounded by how many are given). */
  abstract busyAmong(usernames: readonly string[]): Promise<readonly string[]>;

  /**
   * `caller` sends an offer to `callee`: starts a ringing call when both are free, or carries a
   * renegotiation (or glare) offer inside the call they share. Either way `callee` now holds an
   * offer to answer.
   */
  abstract offer(caller: string, callee: string, callId?: string): Promise<OfferResult>;

  /** Ends call `callId` if it is still ringing (nobody answered in time); returns its parties. */
  abstract expire(callId: string): Promise<CallParties | undefined>;

  /** `username` answers the offer it holds from `peer`: the call becomes active. */
  abstract accept(username: string, peer: string, callId?: string): Promise<AnswerResult>;

  /**
   * The peer, when the two share a call, ringing or active: the gate for relaying candidates.
   * One lookup for the hottest path: the check and the route come back together, synchronously
   * when this instance knows the answer (no promise per candidate), else as a promise.
   */
  abstract partnerInCall(username: string, peer: string, callId?: string): PartnerResult | Promise<PartnerResult>;

  /** Ends `username`'s call (only if it is with `peer`, when given). */
  abstract hangUp(username: string, peer?: string, callId?: string): Promise<HangUpResult>;

  /** `callee` refuses the ringing call from `caller`. */
  abstract decline(callee: string, caller: string, callId?: string): Promise<DeclineResult>;

  /** The call `username` is in, if any. */
  abstract callOf(username: string): Promise<CurrentCall | undefined>;

  /** `username` (just logged in after a restart) claims call `callId` with `peer`. */
  abstract rejoin(username: string, peer: string, callId: string): Promise<RejoinResult>;

  /** Drops `username`'s claim to `callId` if it is still waiting; true when it was. */
  abstract abandonClaim(username: string, callId: string): Promise<boolean>;

  /**
   * At most `limit` online names whose key starts with `usernameKey(prefix)`, in key order, at a
   * cost bounded by `limit` (not by how many are online): the directory past `PRESENCE_LIMIT`.
   */
  abstract search(prefix: string, limit: number): Promise<SearchResult>;

  /**
   * Takes over `username`'s session held by another instance of a cluster, if `token` is its resume
   * token and it may still be resumed; the messages kept for it, in order. One instance has no
   * other instance: its sessions are resumed with `replace`.
   */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  async takeOver(username: string, token: string, next: MessageSink): Promise<{ username: string; kept: string[] } | undefined> {
    return undefined;
  }

  /** One instance holding everything in memory is always ready. */
  health(): RegistryHealth {
    return READY;
  }

  /** Where to report `Departures`. A registry of one instance has none: every session ends here. */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  onDeparture(listener: Departures): void {
    // Nothing leaves but through a session of this instance.
  }
}
