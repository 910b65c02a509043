import { Availability, UserStatus } from '@duet/shared/protocol';
import { EndedCall } from './call-rules';
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

/** Names starting with a prefix, in name order; `more` when there were more than asked for. */
export interface SearchResult {
  readonly users: readonly string[];
  readonly more: boolean;
}

/** A session parked on another instance, taken over here: its name and the messages kept for it. */
export interface TakenOver {
  readonly username: string;
  readonly kept: string[];
}

/**
 * The directory: who is online under which name (matched case-insensitively, `usernameKey`), how
 * to reach them (`MessageSink`), who of them is busy, and search. Every method is a whole
 * decision (check and change together), never a read the caller then acts on.
 */
export interface UserDirectory {
  /** Claims `username` for `sink`. False when someone already holds it. */
  register(username: string, sink: MessageSink): Promise<boolean>;

  /**
   * Hands `username` from `previous` to `next` (a resumed session), if `previous` still holds it;
   * the user's call is untouched. False when someone else holds the name now.
   */
  replace(username: string, previous: MessageSink, next: MessageSink): Promise<boolean>;

  /** Releases `username` if `sink` still holds it, ending any call (and claim) it had (`CALL_TABLE`'s `leave`). */
  unregister(username: string, sink: MessageSink): Promise<EndedCall | undefined>;

  find(username: string): Promise<OnlineUser | undefined>;

  /** Up to `limit` online users (cost bounded by `limit`, not by how many are online). */
  online(limit: number): Promise<OnlineUsers>;

  /** Those of `usernames` who are in a call, ringing or active (cost bounded by how many are given). */
  busyAmong(usernames: readonly string[]): Promise<readonly string[]>;

  /**
   * Sets what `username` says about taking calls, if `sink` still holds the name (false when not).
   * It goes with the name: cleared when the name is released, kept across `replace` and `takeOver`.
   */
  setAvailability(username: string, sink: MessageSink, availability: Availability): Promise<boolean>;

  /** Those of `usernames` (as given) who are online and not `available` (cost bounded by how many are given). */
  availabilityAmong(usernames: readonly string[]): Promise<readonly UserStatus[]>;

  /**
   * At most `limit` online names whose key starts with `usernameKey(prefix)`, in key order, at a
   * cost bounded by `limit` (not by how many are online): the directory past `PRESENCE_LIMIT`.
   */
  search(prefix: string, limit: number): Promise<SearchResult>;

  /**
   * Asks to hear of every change to who is online under a key (`usernameKey`), to whether they are
   * in a call, and to their availability, as it is made. True when the registry sees every such
   * change and will report each one to `listener` (then `PresenceService` keeps its list of users
   * and rebuilds it only when a change touches it); false when it cannot (a store shared with
   * other instances, which change it unseen), and `listener` is never called.
   */
  watchChanges(listener: (key: string) => void): boolean;

  /**
   * Takes over `username`'s session held by another instance of a cluster, if `token` is its resume
   * token and it may still be resumed; the messages kept for it, in order. One instance has no
   * other instance: its sessions are resumed with `replace`.
   */
  takeOver(username: string, token: string, next: MessageSink): Promise<TakenOver | undefined>;
}
