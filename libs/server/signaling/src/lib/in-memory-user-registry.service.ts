import { usernameKey } from '@duet/shared/protocol';
import { Injectable } from '@nestjs/common';
import { MessageSink } from './message-sink';
import { OnlineUser, OnlineUsers, RingOutcome, UserRegistryService } from './user-registry.service';

interface Call {
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

  async ring(caller: string, callee: string): Promise<RingOutcome> {
    const callerKey = usernameKey(caller);
    const calleeKey = usernameKey(callee);
    const callersCall = this.calls.get(callerKey);
    if (callersCall) return this.isParty(callersCall, calleeKey) ? 'already-together' : 'caller-busy';
    if (this.calls.has(calleeKey)) return 'callee-busy';
    if (!this.users.has(calleeKey)) return 'callee-offline';
    const call: Call = { caller, callee, state: 'ringing' };
    this.calls.set(callerKey, call);
    this.calls.set(calleeKey, call);
    return 'ringing';
  }

  async accept(username: string, peer: string): Promise<boolean> {
    const call = this.callBetween(username, peer);
    if (call) call.state = 'active';
    return call !== undefined;
  }

  async inCallTogether(username: string, peer: string): Promise<boolean> {
    return this.callBetween(username, peer) !== undefined;
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
    const calls = new Set(this.calls.values());
    return {
      users: [...this.users.values()].map((user) => user.username),
      calls: [...calls].map(({ caller, callee, state }) => ({ caller, callee, state })),
    };
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
    return usernameKey(call.caller) === key ? call.callee : call.caller;
  }
}
