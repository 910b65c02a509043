import { Availability, usernameKey, UserStatus } from '@duet/shared/protocol';
import { Injectable } from '@nestjs/common';
import { AnswerResult, CallParties, CurrentCall, DeclineResult, EndedCall, HangUpResult, OfferResult, PartnerResult, RejoinResult } from './call-rules';
import { CallEvent, CallOutcomes, CallSituation, decideCall } from './call-table';
import { MessageSink } from './message-sink';
import { NameIndex } from './name-index';
import { randomToken } from './random-token';
import { OnlineUser, OnlineUsers, SearchResult } from './user-directory';
import { UserRegistryService } from './user-registry.service';

export interface Call {
  readonly id: string;
  readonly caller: string;
  readonly callee: string;
  state: 'ringing' | 'active';
  /** Keys of the parties holding an offer they have not answered. */
  readonly awaitingAnswer: Set<string>;
}

/** A restarted server's record of "I was in call `callId` with `peer`", until `peer` says the same. */
export interface Claim {
  readonly callId: string;
  readonly claimant: string;
  readonly peer: string;
}

/** A call event's situation (`CALL_TABLE`), with what this registry found on the way. */
interface Standing extends CallSituation {
  readonly key: string;
  /** The actor's name as it logged in. */
  readonly name: string;
  readonly peerKey: string | undefined;
  readonly target: OnlineUser | undefined;
  readonly callId: string | undefined;
}

/** 96 random bits: a call id cannot be guessed, so it cannot be claimed by a stranger after a restart. */
export function newCallId(): string {
  return randomToken(12);
}

/**
 * The registry of a single instance. Maps, never plain objects, so a name like `__proto__` is just
 * a name. A call is stored once and indexed under both parties' keys. The call rules are not
 * written here: each call event works out its situation and runs `CALL_TABLE` (`run`).
 */
@Injectable()
export class InMemoryUserRegistry extends UserRegistryService {
  protected readonly users = new Map<string, OnlineUser>();
  protected readonly calls = new Map<string, Call>();
  protected readonly callsById = new Map<string, Call>();
  /** Waiting claims, by call id, and each claimant's one claim, by its key. */
  protected readonly claims = new Map<string, Claim>();
  protected readonly claimOf = new Map<string, string>();
  private readonly names = new NameIndex();
  /** By key, only for users who are not `available`. */
  private readonly availability = new Map<string, UserStatus['availability']>();
  private readonly changeListeners: ((key: string) => void)[] = [];

  /** Every change is made here, so every one is reported (see `UserDirectory.watchChanges`). */
  override watchChanges(listener: (key: string) => void): boolean {
    this.changeListeners.push(listener);
    return true;
  }

  private changed(key: string): void {
    for (const listener of this.changeListeners) listener(key);
  }

  async register(username: string, sink: MessageSink): Promise<boolean> {
    const key = usernameKey(username);
    if (this.users.has(key)) return false;
    this.users.set(key, { username, sink });
    this.names.add(key, username);
    this.changed(key);
    return true;
  }

  async replace(username: string, previous: MessageSink, next: MessageSink): Promise<boolean> {
    const key = usernameKey(username);
    const user = this.users.get(key);
    if (user?.sink !== previous) return false;
    this.users.set(key, { username: user.username, sink: next });
    return true;
  }

  async unregister(username: string, sink: MessageSink): Promise<EndedCall | undefined> {
    const key = usernameKey(username);
    // A stale session must not evict whoever holds the name now.
    if (this.users.get(key)?.sink !== sink) return undefined;
    const { ended } = this.run('leave', this.standing(username, undefined, undefined));
    // A user who leaves holds nothing: its waiting claim goes with it.
    this.dropClaimOf(key);
    this.users.delete(key);
    this.names.remove(key);
    this.availability.delete(key);
    this.changed(key);
    return ended;
  }

  async find(username: string): Promise<OnlineUser | undefined> {
    return this.users.get(usernameKey(username));
  }

  async online(limit: number): Promise<OnlineUsers> {
    const users: OnlineUser[] = [];
    for (const user of this.users.values()) {
      if (users.length >= limit) break;
      users.push(user);
    }
    return { users, total: this.users.size };
  }

  async busyAmong(usernames: readonly string[]): Promise<readonly string[]> {
    return usernames.filter((username) => this.calls.has(usernameKey(username)));
  }

  async setAvailability(username: string, sink: MessageSink, availability: Availability): Promise<boolean> {
    const key = usernameKey(username);
    if (this.users.get(key)?.sink !== sink) return false;
    if (availability === 'available') this.availability.delete(key);
    else this.availability.set(key, availability);
    this.changed(key);
    return true;
  }

  async availabilityAmong(usernames: readonly string[]): Promise<readonly UserStatus[]> {
    const statuses: UserStatus[] = [];
    for (const username of usernames) {
      const availability = this.availability.get(usernameKey(username));
      if (availability !== undefined) statuses.push({ username, availability });
    }
    return statuses;
  }

  async search(prefix: string, limit: number): Promise<SearchResult> {
    return this.names.startingWith(usernameKey(prefix), limit);
  }

  async offer(caller: string, callee: string, callId?: string): Promise<OfferResult> {
    const found = this.standing(caller, callee, callId);
    const { outcome } = this.run('offer', found);
    if (outcome !== 'ringing' && outcome !== 'in-call') return { outcome };
    return { outcome, callId: this.callIdOf(found.key), callee: found.target as OnlineUser };
  }

  async expire(callId: string): Promise<CallParties | undefined> {
    const call = this.callsById.get(callId);
    // The call's caller is the actor; a call that is gone has none (nobody holds the name '').
    const found = call ? this.standing(call.caller, call.callee, callId) : this.standing('', undefined, callId);
    if (this.run('expire', found).outcome === 'not-ringing' || !call) return undefined;
    return { caller: call.caller, callee: call.callee };
  }

  async accept(username: string, peer: string, callId?: string): Promise<AnswerResult> {
    const found = this.standing(username, peer, callId);
    const { outcome } = this.run('accept', found);
    return outcome === 'accepted' ? { outcome, callId: this.callIdOf(found.key), peer: found.target as OnlineUser } : { outcome };
  }

  partnerInCall(username: string, peer: string, callId?: string): PartnerResult {
    const found = this.standing(username, peer, callId);
    const { outcome } = decideCall('partner', found);
    return outcome === 'in-call' ? { outcome, callId: this.callIdOf(found.key), peer: found.target as OnlineUser } : { outcome };
  }

  async hangUp(username: string, peer?: string, callId?: string): Promise<HangUpResult> {
    const found = this.standing(username, peer, callId);
    const { outcome, ended } = this.run('hangUp', found);
    return outcome === 'ended' && ended ? { outcome, ...ended } : { outcome: outcome === 'stale' ? 'stale' : 'not-in-call' };
  }

  async decline(callee: string, caller: string, callId?: string): Promise<DeclineResult> {
    const found = this.standing(callee, caller, callId);
    const { outcome, ended } = this.run('decline', found);
    return outcome === 'declined' && ended ? { outcome, callId: ended.callId } : { outcome: outcome === 'stale' ? 'stale' : 'not-ringing' };
  }

  async callOf(username: string): Promise<CurrentCall | undefined> {
    const key = usernameKey(username);
    const call = this.calls.get(key);
    if (!call) return undefined;
    const peer = usernameKey(call.caller) === key ? call.callee : call.caller;
    return { callId: call.id, peer, state: call.state };
  }

  async rejoin(username: string, peer: string, callId: string): Promise<RejoinResult> {
    const found = this.standing(username, peer, callId, true);
    const { outcome } = this.run('rejoin', found);
    return outcome === 'restored' ? { outcome, peer: found.target as OnlineUser } : { outcome };
  }

  async abandonClaim(username: string, callId: string): Promise<boolean> {
    return this.run('abandonClaim', this.standing(username, undefined, callId, true)).outcome === 'abandoned';
  }

  /**
   * Where `username`'s call event finds it, for `CALL_TABLE`: `peer` is the user it names, `callId`
   * the call it names; claims are looked at only for the events that need them (`withClaim`).
   */
  private standing(username: string, peer: string | undefined, callId: string | undefined, withClaim = false): Standing {
    const key = usernameKey(username);
    const call = this.calls.get(key);
    const peerKey = peer === undefined ? undefined : usernameKey(peer);
    const target = peerKey === undefined ? undefined : this.users.get(peerKey);
    const claim = withClaim && callId !== undefined ? this.claims.get(callId) : undefined;
    return {
      key,
      name: this.users.get(key)?.username ?? username,
      peerKey,
      target,
      callId,
      given: callId === undefined ? 'none' : call?.id === callId ? 'current' : this.callsById.has(callId) ? 'live' : 'ended',
      call: call?.state ?? 'none',
      role: call === undefined ? 'none' : usernameKey(call.caller) === key ? 'caller' : 'callee',
      actorHolds: call?.awaitingAnswer.has(key) ?? false,
      peerHolds: call !== undefined && call.awaitingAnswer.has(this.otherParty(call, key)),
      peer: this.peerOf(key, call, peerKey, target),
      claim: !claim ? 'nobody' : claim.claimant === key ? 'actor' : claim.claimant === peerKey && claim.peer === key ? 'peer' : 'other',
    };
  }

  private peerOf(key: string, call: Call | undefined, peerKey: string | undefined, target: OnlineUser | undefined): CallSituation['peer'] {
    if (peerKey === undefined) return 'unnamed';
    if (peerKey === key) return 'self';
    if (!target) return 'offline';
    if (call && this.isParty(call, peerKey)) return 'party';
    return this.calls.has(peerKey) ? 'busy' : 'free';
  }

  /** Decides `event` by `CALL_TABLE` and makes its change; the call it ended, if it ended one. */
  private run<E extends CallEvent>(event: E, found: Standing): { outcome: CallOutcomes[E]; ended?: EndedCall } {
    const rule = decideCall(event, found);
    const to = rule.to;
    if (to === undefined) return { outcome: rule.outcome };
    let ended: EndedCall | undefined;
    if (to.call === 'none') {
      ended = this.endCallOf(found.key);
      // Who is busy changed (presence lists it).
      if (ended !== undefined) [found.key, usernameKey(ended.peer)].forEach((key) => this.changed(key));
    } else if (to.call !== undefined && found.call === 'none') {
      this.startFor(found, to.call, to.role === 'callee');
      [found.key, found.peerKey as string].forEach((key) => this.changed(key));
    }
    else if (to.call !== undefined) (this.calls.get(found.key) as Call).state = to.call;
    const call = this.calls.get(found.key);
    if (call && to.actorHolds !== undefined) this.hold(call, found.key, to.actorHolds);
    if (call && to.peerHolds !== undefined) this.hold(call, this.otherParty(call, found.key), to.peerHolds);
    if (to.claim === 'actor') this.claim(found);
    else if (to.claim === 'nobody' && found.claim === 'actor') this.dropClaimOf(found.key);
    return { outcome: rule.outcome, ended };
  }

  /** A call starts for the actor and the user it named: a fresh id, or the one a rejoin claimed. */
  private startFor(found: Standing, state: Call['state'], actorIsCallee: boolean): void {
    const id = found.given === 'none' ? newCallId() : (found.callId as string);
    const peer = (found.target as OnlineUser).username;
    if (actorIsCallee) this.startCall(id, peer, found.name, state);
    else this.startCall(id, found.name, peer, state);
  }

  private hold(call: Call, key: string, holding: boolean): void {
    if (holding) call.awaitingAnswer.add(key);
    else call.awaitingAnswer.delete(key);
  }

  private claim(found: Standing): void {
    this.dropClaimOf(found.key);
    const callId = found.callId as string;
    this.claims.set(callId, { callId, claimant: found.key, peer: found.peerKey as string });
    this.claimOf.set(found.key, callId);
  }

  private callIdOf(key: string): string {
    return (this.calls.get(key) as Call).id;
  }

  private startCall(id: string, caller: string, callee: string, state: Call['state']): Call {
    // A party with a claim still waiting has moved on to another call: the claim is void.
    this.dropClaimOf(usernameKey(caller));
    this.dropClaimOf(usernameKey(callee));
    const call: Call = { id, caller, callee, state, awaitingAnswer: new Set() };
    this.calls.set(usernameKey(caller), call);
    this.calls.set(usernameKey(callee), call);
    this.callsById.set(id, call);
    return call;
  }

  private otherParty(call: Call, key: string): string {
    const callerKey = usernameKey(call.caller);
    return callerKey === key ? usernameKey(call.callee) : callerKey;
  }

  private isParty(call: Call, key: string): boolean {
    return usernameKey(call.caller) === key || usernameKey(call.callee) === key;
  }

  private dropClaimOf(key: string): void {
    const callId = this.claimOf.get(key);
    if (callId === undefined) return;
    this.claimOf.delete(key);
    if (this.claims.get(callId)?.claimant === key) this.claims.delete(callId);
  }

  /** Removes the call `key` is in from both indexes; returns it with the other party's name. */
  private endCallOf(key: string): EndedCall | undefined {
    const call = this.calls.get(key);
    if (!call) return undefined;
    this.calls.delete(usernameKey(call.caller));
    this.calls.delete(usernameKey(call.callee));
    this.callsById.delete(call.id);
    return { callId: call.id, peer: usernameKey(call.caller) === key ? call.callee : call.caller };
  }
}
