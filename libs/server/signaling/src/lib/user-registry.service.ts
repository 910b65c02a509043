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

/**
 * What an `offer` may do: start a call (identified by `callId`), travel inside the call the two
 * already share, or why neither.
 * - `offer-pending`: the call still rings and the sender's previous offer is unanswered; a
 *   ringing callee needs one offer, not a stream of them.
 */
export type OfferResult =
  | { readonly outcome: 'ringing'; readonly callId: string; readonly callee: OnlineUser }
  | { readonly outcome: 'in-call'; readonly callee: OnlineUser }
  | { readonly outcome: 'offer-pending' | 'caller-busy' | 'callee-busy' | 'callee-offline' };

/**
 * What an `answer` may do. Only the party that received an offer may answer it, once: the
 * call's other party cannot "answer" its own call, and nobody outside the call can answer at all.
 */
export type AnswerResult =
  | { readonly outcome: 'accepted'; readonly peer: OnlineUser }
  | { readonly outcome: 'not-in-call' }
  | { readonly outcome: 'no-offer' };

export interface CallParties {
  readonly caller: string;
  readonly callee: string;
}

/**
 * Who is online and who is in a call with whom: the one piece of state signaling needs.
 *
 * The DI token for the registry. Today's implementation keeps it in memory; a Redis one will
 * share it across instances, which is why every method is asynchronous and why each method is
 * a whole decision (check and change together), never a read the caller then acts on.
 * Names are matched case-insensitively (`usernameKey`).
 *
 * A call moves `ringing` -> `active` (first accepted answer) -> gone (hang-up, decline, timeout,
 * disconnect). Within it the registry tracks which party holds an offer it has not answered, so
 * each party can move only what is theirs to move.
 */
export abstract class UserRegistryService {
  /** Claims `username` for `sink`. False when someone already holds it. */
  abstract register(username: string, sink: MessageSink): Promise<boolean>;

  /**
   * Releases `username` if `sink` still holds it, ending any call it was in.
   * Returns the name of the peer whose call ended, so the caller can tell them.
   */
  abstract unregister(username: string, sink: MessageSink): Promise<string | undefined>;

  abstract find(username: string): Promise<OnlineUser | undefined>;

  /** Up to `limit` online users (cost bounded by `limit`, not by how many are online). */
  abstract online(limit: number): Promise<OnlineUsers>;

  /**
   * `caller` sends an offer to `callee`: starts a ringing call when both are free, or carries a
   * renegotiation (or glare) offer inside the call they share. Either way `callee` now holds an
   * offer to answer.
   */
  abstract offer(caller: string, callee: string): Promise<OfferResult>;

  /** Ends call `callId` if it is still ringing (nobody answered in time); returns its parties. */
  abstract expire(callId: string): Promise<CallParties | undefined>;

  /**
   * `username` answers the offer it holds from `peer`: the call becomes active and the peer is
   * returned (to relay to).
   */
  abstract accept(username: string, peer: string): Promise<AnswerResult>;

  /**
   * The peer, when the two share a call, ringing or active: the gate for relaying candidates.
   * One lookup for the hottest path: the check and the route come back together.
   */
  abstract partnerInCall(username: string, peer: string): Promise<OnlineUser | undefined>;

  /**
   * Ends `username`'s call (only if it is with `peer`, when given). Returns the peer's name, or
   * undefined when there was no such call.
   */
  abstract hangUp(username: string, peer?: string): Promise<string | undefined>;

  /** `callee` refuses the ringing call from `caller`. False when there is no such ringing call. */
  abstract decline(callee: string, caller: string): Promise<boolean>;
}
