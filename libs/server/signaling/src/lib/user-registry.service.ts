import {
  AnswerResult,
  CallParties,
  CallRules,
  CurrentCall,
  DeclineResult,
  EndedCall,
  HangUpResult,
  OfferResult,
  PartnerResult,
  RejoinResult,
} from './call-rules';
import { Availability, UserStatus } from '@duet/shared/protocol';
import { MessageSink } from './message-sink';
import { OnlineUser, OnlineUsers, SearchResult, TakenOver, UserDirectory } from './user-directory';

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
 * The registry: the directory (`UserDirectory`) and the call rules (`CallRules`) over one store,
 * the one piece of state signaling needs. This abstract class is the DI token, so a registry
 * (in memory, Redis, one of your own) is provided as one thing; callers depend on the narrower
 * interface they use. Every method is asynchronous because a shared store (Redis) decides remotely.
 * What each method means is documented on the two interfaces; the compiler holds these to them.
 */
export abstract class UserRegistryService implements UserDirectory, CallRules {
  // The directory (user-directory.ts).
  abstract register(username: string, sink: MessageSink): Promise<boolean>;
  abstract replace(username: string, previous: MessageSink, next: MessageSink): Promise<boolean>;
  abstract unregister(username: string, sink: MessageSink): Promise<EndedCall | undefined>;
  abstract find(username: string): Promise<OnlineUser | undefined>;
  abstract online(limit: number): Promise<OnlineUsers>;
  abstract busyAmong(usernames: readonly string[]): Promise<readonly string[]>;
  abstract search(prefix: string, limit: number): Promise<SearchResult>;
  abstract setAvailability(username: string, sink: MessageSink, availability: Availability): Promise<boolean>;
  abstract availabilityAmong(usernames: readonly string[]): Promise<readonly UserStatus[]>;

  /** One instance has no other instance to take a session over from: see `UserDirectory.takeOver`. */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  async takeOver(username: string, token: string, next: MessageSink): Promise<TakenOver | undefined> {
    return undefined;
  }

  // The call rules (call-rules.ts; which outcome when: call-table.ts).
  abstract offer(caller: string, callee: string, callId?: string): Promise<OfferResult>;
  abstract expire(callId: string): Promise<CallParties | undefined>;
  abstract accept(username: string, peer: string, callId?: string): Promise<AnswerResult>;
  abstract partnerInCall(username: string, peer: string, callId?: string): PartnerResult | Promise<PartnerResult>;
  abstract hangUp(username: string, peer?: string, callId?: string): Promise<HangUpResult>;
  abstract decline(callee: string, caller: string, callId?: string): Promise<DeclineResult>;
  abstract callOf(username: string): Promise<CurrentCall | undefined>;
  abstract rejoin(username: string, peer: string, callId: string): Promise<RejoinResult>;
  abstract abandonClaim(username: string, callId: string): Promise<boolean>;

  /** A registry that cannot see every change (one shared by instances) reports none: see `UserDirectory.watchChanges`. */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  watchChanges(listener: (key: string) => void): boolean {
    return false;
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
