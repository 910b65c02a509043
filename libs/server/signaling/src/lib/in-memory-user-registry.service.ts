import { usernameKey } from '@duet/shared/protocol';
import { Injectable } from '@nestjs/common';
import { MessageSink } from './message-sink';
import {
  AnswerResult,
  CallParties,
  OfferResult,
  OnlineUser,
  OnlineUsers,
  UserRegistryService,
} from './user-registry.service';

export interface Call {
  readonly id: string;
  readonly caller: string;
  readonly callee: string;
  state: 'ringing' | 'active';
  /** Keys of the parties holding an offer they have not answered. */
  readonly awaitingAnswer: Set<string>;
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
  private lastCallId = 0;

  async register(username: string, sink: MessageSink): Promise<boolean> {
    const key = usernameKey(username);
    if (this.users.has(key)) return false;
    this.users.set(key, { username, sink });
    return true;
  }

  async unregister(username: string, sink: MessageSink): Promise<string | undefined> {
    const key = usernameKey(username);
    // A stale session must not evict whoever holds the name now.
    if (this.users.get(key)?.sink !== sink) return undefined;
    this.users.delete(key);
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

  async offer(caller: string, callee: string): Promise<OfferResult> {
    const callerKey = usernameKey(caller);
    const calleeKey = usernameKey(callee);
    const target = this.users.get(calleeKey);
    const callersCall = this.calls.get(callerKey);
    if (callersCall) {
      if (!target || !this.isParty(callersCall, calleeKey)) return { outcome: 'caller-busy' };
      // While it rings, one offer each way (the caller's, and the callee's in glare) is all
      // that can be useful; later ones would only fill the callee's link.
      if (callersCall.state === 'ringing' && callersCall.awaitingAnswer.has(calleeKey)) {
        return { outcome: 'offer-pending' };
      }
      callersCall.awaitingAnswer.add(calleeKey);
      return { outcome: 'in-call', callee: target };
    }
    if (this.calls.has(calleeKey)) return { outcome: 'callee-busy' };
    if (!target) return { outcome: 'callee-offline' };
    this.lastCallId += 1;
    const call: Call = {
      id: String(this.lastCallId),
      caller,
      callee: target.username,
      state: 'ringing',
      awaitingAnswer: new Set([calleeKey]),
    };
    this.calls.set(callerKey, call);
    this.calls.set(calleeKey, call);
    this.callsById.set(call.id, call);
    return { outcome: 'ringing', callId: call.id, callee: target };
  }

  async expire(callId: string): Promise<CallParties | undefined> {
    const call = this.callsById.get(callId);
    if (!call || call.state !== 'ringing') return undefined;
    this.endCallOf(usernameKey(call.caller));
    return { caller: call.caller, callee: call.callee };
  }

  async accept(username: string, peer: string): Promise<AnswerResult> {
    const call = this.callBetween(username, peer);
    const target = this.users.get(usernameKey(peer));
    if (call === undefined || target === undefined) return { outcome: 'not-in-call' };
    const key = usernameKey(username);
    if (!call.awaitingAnswer.has(key)) return { outcome: 'no-offer' };
    // Answering leaves the answerer stable: under perfect negotiation any offer of its own was
    // rolled back, so nothing is left for the peer to answer either.
    call.awaitingAnswer.clear();
    call.state = 'active';
    return { outcome: 'accepted', peer: target };
  }

  async partnerInCall(username: string, peer: string): Promise<OnlineUser | undefined> {
    return this.callBetween(username, peer) && this.users.get(usernameKey(peer));
  }

  async hangUp(username: string, peer?: string): Promise<string | undefined> {
    const key = usernameKey(username);
    const call = this.calls.get(key);
    if (!call || (peer !== undefined && !this.isParty(call, usernameKey(peer)))) return undefined;
    return this.endCallOf(key);
  }

  async decline(callee: string, caller: string): Promise<boolean> {
    const call = this.callBetween(callee, caller);
    if (!call || call.state !== 'ringing' || usernameKey(call.callee) !== usernameKey(callee)) return false;
    this.endCallOf(usernameKey(callee));
    return true;
  }

  private callBetween(username: string, peer: string): Call | undefined {
    const call = this.calls.get(usernameKey(username));
    return call && this.isParty(call, usernameKey(peer)) && usernameKey(username) !== usernameKey(peer)
      ? call
      : undefined;
  }

  private isParty(call: Call, key: string): boolean {
    return usernameKey(call.caller) === key || usernameKey(call.callee) === key;
  }

  /** Removes the call `key` is in from both indexes; returns the other party's name. */
  private endCallOf(key: string): string | undefined {
    const call = this.calls.get(key);
    if (!call) return undefined;
    this.calls.delete(usernameKey(call.caller));
    this.calls.delete(usernameKey(call.callee));
    this.callsById.delete(call.id);
    return usernameKey(call.caller) === key ? call.callee : call.caller;
  }
}
