import { usernameKey } from '@duet/shared/protocol';
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { MessageSink } from './message-sink';
import { NameIndex } from './name-index';
import {
  AnswerResult,
  CallParties,
  CurrentCall,
  DeclineResult,
  EndedCall,
  HangUpResult,
  OfferResult,
  PartnerResult,
  RejoinResult,
} from './call-rules';
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

const STALE = { outcome: 'stale' } as const;
const NOT_IN_CALL = { outcome: 'not-in-call' } as const;

/** 96 random bits: a call id cannot be guessed, so it cannot be claimed by a stranger after a restart. */
export function newCallId(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * The registry of a single instance. Maps, never plain objects, so a name like `__proto__` is just
 * a name. A call is stored once and indexed under both parties' keys.
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

  async register(username: string, sink: MessageSink): Promise<boolean> {
    const key = usernameKey(username);
    if (this.users.has(key)) return false;
    this.users.set(key, { username, sink });
    this.names.add(key, username);
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
    this.users.delete(key);
    this.names.remove(key);
    this.dropClaimOf(key);
    return this.endCallOf(key);
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

  async search(prefix: string, limit: number): Promise<SearchResult> {
    return this.names.startingWith(usernameKey(prefix), limit);
  }

  async offer(caller: string, callee: string, callId?: string): Promise<OfferResult> {
    const callerKey = usernameKey(caller);
    const calleeKey = usernameKey(callee);
    const target = this.users.get(calleeKey);
    const callersCall = this.calls.get(callerKey);
    if (callId !== undefined && callersCall?.id !== callId) return STALE;
    if (callersCall) {
      if (!target || !this.isParty(callersCall, calleeKey)) return { outcome: 'caller-busy' };
      // While it rings, one offer each way (the caller's, and the callee's in glare) is all
      // that can be useful; later ones would only fill the callee's link.
      if (callersCall.state === 'ringing' && callersCall.awaitingAnswer.has(calleeKey)) {
        return { outcome: 'offer-pending' };
      }
      callersCall.awaitingAnswer.add(calleeKey);
      return { outcome: 'in-call', callId: callersCall.id, callee: target };
    }
    if (this.calls.has(calleeKey)) return { outcome: 'callee-busy' };
    if (!target) return { outcome: 'callee-offline' };
    const call = this.startCall(newCallId(), caller, target.username, 'ringing');
    call.awaitingAnswer.add(calleeKey);
    return { outcome: 'ringing', callId: call.id, callee: target };
  }

  async expire(callId: string): Promise<CallParties | undefined> {
    const call = this.callsById.get(callId);
    if (!call || call.state !== 'ringing') return undefined;
    this.endCallOf(usernameKey(call.caller));
    return { caller: call.caller, callee: call.callee };
  }

  async accept(username: string, peer: string, callId?: string): Promise<AnswerResult> {
    const call = this.callBetween(username, peer, callId);
    if (call === 'stale') return STALE;
    const target = this.users.get(usernameKey(peer));
    if (call === undefined || target === undefined) return NOT_IN_CALL;
    const key = usernameKey(username);
    if (!call.awaitingAnswer.has(key)) return { outcome: 'no-offer' };
    // Answering leaves the answerer stable: under perfect negotiation any offer of its own was
    // rolled back, so nothing is left for the peer to answer either.
    call.awaitingAnswer.clear();
    call.state = 'active';
    return { outcome: 'accepted', callId: call.id, peer: target };
  }

  partnerInCall(username: string, peer: string, callId?: string): PartnerResult {
    const call = this.callBetween(username, peer, callId);
    if (call === 'stale') return STALE;
    const target = call && this.users.get(usernameKey(peer));
    return call && target ? { outcome: 'in-call', callId: call.id, peer: target } : NOT_IN_CALL;
  }

  async hangUp(username: string, peer?: string, callId?: string): Promise<HangUpResult> {
    const key = usernameKey(username);
    const call = this.calls.get(key);
    if (callId !== undefined && call?.id !== callId) return STALE;
    if (!call || (peer !== undefined && !this.isParty(call, usernameKey(peer)))) return NOT_IN_CALL;
    const ended = this.endCallOf(key);
    return ended ? { outcome: 'ended', ...ended } : NOT_IN_CALL;
  }

  async decline(callee: string, caller: string, callId?: string): Promise<DeclineResult> {
    const call = this.callBetween(callee, caller, callId);
    if (call === 'stale') return STALE;
    if (!call || call.state !== 'ringing' || usernameKey(call.callee) !== usernameKey(callee)) {
      return { outcome: 'not-ringing' };
    }
    this.endCallOf(usernameKey(callee));
    return { outcome: 'declined', callId: call.id };
  }

  async callOf(username: string): Promise<CurrentCall | undefined> {
    const key = usernameKey(username);
    const call = this.calls.get(key);
    if (!call) return undefined;
    const peer = usernameKey(call.caller) === key ? call.callee : call.caller;
    return { callId: call.id, peer, state: call.state };
  }

  async rejoin(username: string, peer: string, callId: string): Promise<RejoinResult> {
    const key = usernameKey(username);
    const peerKey = usernameKey(peer);
    if (key === peerKey || this.calls.has(key) || this.callsById.has(callId)) return { outcome: 'refused' };
    const theirs = this.claims.get(callId);
    if (theirs && theirs.claimant !== key) {
      const target = this.users.get(peerKey);
      if (theirs.claimant !== peerKey || theirs.peer !== key || !target || this.calls.has(peerKey)) {
        return { outcome: 'refused' };
      }
      this.startCall(callId, target.username, this.users.get(key)?.username ?? username, 'active');
      return { outcome: 'restored', peer: target };
    }
    // A peer already online may still be between its login and its claim: wait for it either way.
    this.dropClaimOf(key);
    this.claims.set(callId, { callId, claimant: key, peer: peerKey });
    this.claimOf.set(key, callId);
    return { outcome: 'waiting' };
  }

  async abandonClaim(username: string, callId: string): Promise<boolean> {
    const key = usernameKey(username);
    if (this.claimOf.get(key) !== callId) return false;
    this.dropClaimOf(key);
    return true;
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

  /** The call `username` shares with `peer`; `'stale'` when `callId` names another one. */
  private callBetween(username: string, peer: string, callId?: string): Call | 'stale' | undefined {
    const call = this.calls.get(usernameKey(username));
    if (callId !== undefined && call?.id !== callId) return 'stale';
    return call && this.isParty(call, usernameKey(peer)) && usernameKey(username) !== usernameKey(peer)
      ? call
      : undefined;
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
