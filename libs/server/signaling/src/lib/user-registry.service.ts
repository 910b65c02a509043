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

/** What `ring` did: started a call (identified by `callId`), found the pair already in one, or why it could not. */
export type RingResult =
  | { readonly outcome: 'ringing'; readonly callId: string }
  | { readonly outcome: 'already-together' | 'caller-busy' | 'callee-busy' | 'callee-offline' };

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

  /** `caller` offers a call to `callee`: starts a ringing call when both are free. */
  abstract ring(caller: string, callee: string): Promise<RingResult>;

  /** Ends call `callId` if it is still ringing (nobody answered in time); returns its parties. */
  abstract expire(callId: string): Promise<CallParties | undefined>;

  /**
   * An `answer` between the two: when they share a call, the call becomes active and the peer is
   * returned (to relay to); otherwise undefined.
   */
  abstract accept(username: string, peer: string): Promise<OnlineUser | undefined>;

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
