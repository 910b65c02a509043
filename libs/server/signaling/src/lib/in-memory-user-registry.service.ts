import { usernameKey } from '@duet/shared/protocol';
import { Injectable } from '@nestjs/common';
import { MessageSink } from './message-sink';
import { CallParties, OnlineUser, OnlineUsers, RingResult, UserRegistryService } from './user-registry.service';

interface Call {
  readonly id: string;
  readonly caller: string;
  readonly callee: string;
  state: 'ringing' | 'active';
}

/**
 * The registry of a single instance. Maps, never plain objects, so a name like `__proto__` is just
 * a name. A call is stored once and indexed under both parties' keys.
 */
@Injectable()
export class InMemoryUserRegistry extends UserRegistryService {
  private readonly users = new Map<string, OnlineUser>();
  private readonly calls = new Map<string, Call>();
  private readonly callsById = new Map<string, Call>();
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

  async ring(caller: string, callee: string): Promise<RingResult> {
    const callerKey = usernameKey(caller);
    const calleeKey = usernameKey(callee);
    const callersCall = this.calls.get(callerKey);
    if (callersCall) return { outcome: this.isParty(callersCall, calleeKey) ? 'already-together' : 'caller-busy' };
    if (this.calls.has(calleeKey)) return { outcome: 'callee-busy' };
    if (!this.users.has(calleeKey)) return { outcome: 'callee-offline' };
    this.lastCallId += 1;
    const call: Call = { id: String(this.lastCallId), caller, callee, state: 'ringing' };
    this.calls.set(callerKey, call);
    this.calls.set(calleeKey, call);
    this.callsById.set(call.id, call);
    return { outcome: 'ringing', callId: call.id };
  }

  async expire(callId: string): Promise<CallParties | undefined> {
    const call = this.callsById.get(callId);
    if (!call || call.state !== 'ringing') return undefined;
    this.endCallOf(usernameKey(call.caller));
    return { caller: call.caller, callee: call.callee };
  }

  async accept(username: string, peer: string): Promise<OnlineUser | undefined> {
    const call = this.callBetween(username, peer);
    if (call === undefined) return undefined;
    call.state = 'active';
    return this.users.get(usernameKey(peer));
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

  /** For tests: the whole state, to check that users and calls agree. */
  inspect(): { users: string[]; calls: { caller: string; callee: string; state: string }[] } {
    return {
      users: [...this.users.values()].map((user) => user.username),
      calls: [...this.callsById.values()].map(({ caller, callee, state }) => ({ caller, callee, state })),
    };
  }

  /**
   * For tests: the invariants the registry must keep whatever clients send. Returns the broken
   * ones, empty when all hold.
   */
  violations(): string[] {
    const broken: string[] = [];
    for (const call of this.callsById.values()) {
      for (const party of [call.caller, call.callee]) {
        const key = usernameKey(party);
        if (!this.users.has(key)) broken.push(`call ${call.id}: ${party} is not online`);
        if (this.calls.get(key) !== call) broken.push(`call ${call.id}: ${party} is not indexed to it`);
      }
      if (usernameKey(call.caller) === usernameKey(call.callee)) broken.push(`call ${call.id}: a self-call`);
    }
    for (const [key, call] of this.calls) {
      if (this.callsById.get(call.id) !== call) broken.push(`${key}: indexed to a call that ended`);
    }
    for (const [key, user] of this.users) {
      if (usernameKey(user.username) !== key) broken.push(`${key}: keyed under the wrong name`);
    }
    return broken;
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
