import {
  AnswerResult,
  CallParties,
  CallRules,
  CurrentCall,
  DeclineResult,
  HangUpResult,
  MessageSink,
  newCallId,
  OfferResult,
  OnlineUser,
  PartnerResult,
  RegistryUnavailableError,
  RejoinResult,
} from '@duet/server/signaling';
import { usernameKey } from '@duet/shared/protocol';
import { ClusterUpkeep } from './cluster-upkeep';
import { MemberRoutes, Route } from './member-routes';
import { RedisCluster } from './redis-cluster';

const STALE = { outcome: 'stale' } as const;
const NOT_IN_CALL = { outcome: 'not-in-call' } as const;

/** A sink for a route Redis names but no session answers for (a race with its end): drops everything. */
const DETACHED: MessageSink = { send: () => undefined, relay: () => true };

interface Outcome {
  readonly outcome: string;
  readonly updates?: unknown;
  readonly callId?: string;
  readonly peer?: Route | string;
  readonly callee?: Route;
}

/**
 * The call rules of a cluster: each event is decided by the Lua script of the same name
 * (`scripts/calls.lua.ts`), atomically across instances; which outcome in which situation is
 * `CALL_TABLE`'s (`@duet/server/signaling`), and the contract walks every row of it against these
 * scripts on a real Redis. Only the candidate gate is answered here, from the cache of this
 * instance's users' calls, which every script that changes a call keeps current.
 */
export class RedisCallRules implements CallRules {
  constructor(
    private readonly cluster: RedisCluster,
    private readonly routes: MemberRoutes,
    private readonly upkeep: ClusterUpkeep,
  ) {}

  private get link() {
    return this.cluster.link;
  }

  async offer(caller: string, callee: string, callId?: string): Promise<OfferResult> {
    const result = await this.decide('offer', caller, usernameKey(callee), callId ?? '', newCallId(), this.cluster.options.ringTimeoutMs);
    switch (result.outcome) {
      case 'ringing':
      case 'in-call': {
        const route = result.callee as Route;
        return { outcome: result.outcome, callId: result.callId as string, callee: this.userAt(route) };
      }
      case 'stale':
        return STALE;
      default:
        return { outcome: result.outcome as 'offer-pending' | 'caller-busy' | 'callee-busy' | 'callee-offline' };
    }
  }

  async expire(callId: string): Promise<CallParties | undefined> {
    const result = JSON.parse(await this.link.run<string>('expire', callId));
    this.routes.apply(result.updates);
    return result.caller === undefined ? undefined : { caller: result.caller, callee: result.callee };
  }

  async accept(username: string, peer: string, callId?: string): Promise<AnswerResult> {
    const result = await this.decide('accept', username, usernameKey(peer), callId ?? '');
    if (result.outcome !== 'accepted') return { outcome: result.outcome as 'not-in-call' | 'no-offer' | 'stale' };
    const route = result.peer as Route;
    return { outcome: 'accepted', callId: result.callId as string, peer: this.userAt(route) };
  }

  /**
   * The hot path: a user of this instance relays a candidate. Decided from the cache, which every
   * script that changes a call keeps current (a late update can only let a message through that the
   * partner's instance then drops, since it checks the call id against its own cache). Answered
   * synchronously from the cache; only a user this instance does not hold costs a round trip.
   * The same three outcomes as CALL_TABLE's `partner` rows (the contract walks this path too).
   */
  partnerInCall(username: string, peer: string, callId?: string): PartnerResult | Promise<PartnerResult> {
    const member = this.routes.members.get(usernameKey(username));
    if (member === undefined) return this.partnerFromRedis(username, peer, callId);
    const call = member.call;
    if (callId !== undefined && call?.id !== callId) return STALE;
    if (call === undefined || call.peerKey !== usernameKey(peer) || call.peerKey === member.key) return NOT_IN_CALL;
    if (call.peerInst !== this.cluster.id && !this.link.isUp) throw new RegistryUnavailableError(this.link.problem);
    const sink = this.routes.peerOf(member);
    return sink ? { outcome: 'in-call', callId: call.id, peer: { username: call.peerName, sink } } : NOT_IN_CALL;
  }

  async hangUp(username: string, peer?: string, callId?: string): Promise<HangUpResult> {
    const result = await this.decide('hangUp', username, peer === undefined ? '' : usernameKey(peer), callId ?? '');
    if (result.outcome === 'ended') return { outcome: 'ended', callId: result.callId as string, peer: result.peer as string };
    return result.outcome === 'stale' ? STALE : NOT_IN_CALL;
  }

  async decline(callee: string, caller: string, callId?: string): Promise<DeclineResult> {
    const result = await this.decide('decline', callee, usernameKey(caller), callId ?? '');
    if (result.outcome === 'declined') return { outcome: 'declined', callId: result.callId as string };
    return result.outcome === 'stale' ? STALE : { outcome: 'not-ringing' };
  }

  async callOf(username: string): Promise<CurrentCall | undefined> {
    const found = await this.link.run<string | null>('callOf', usernameKey(username));
    return found ? JSON.parse(found) : undefined;
  }

  async rejoin(username: string, peer: string, callId: string): Promise<RejoinResult> {
    const result = await this.decide('rejoin', username, usernameKey(peer), callId);
    if (result.outcome !== 'restored') return { outcome: result.outcome as 'waiting' | 'refused' };
    const route = result.peer as Route;
    return { outcome: 'restored', peer: this.userAt(route) };
  }

  async abandonClaim(username: string, callId: string): Promise<boolean> {
    return (await this.link.run<number>('abandonClaim', usernameKey(username), callId)) === 1;
  }

  /**
   * Runs a call script for `username`'s session here (scripts check that it still holds its
   * name), applies what it reports about calls, and returns its outcome.
   */
  private async decide(script: 'offer' | 'accept' | 'hangUp' | 'decline' | 'rejoin', username: string, ...args: (string | number)[]): Promise<Outcome> {
    this.upkeep.requireSettled();
    const key = usernameKey(username);
    const member = this.routes.members.get(key);
    const result: Outcome = JSON.parse(await this.link.run<string>(script, key, ...args, member ? this.cluster.id : '', member?.sid ?? ''));
    this.routes.apply(result.updates);
    if (result.outcome === 'not-owner') return this.upkeep.lapsed(`${username} is no longer held by this instance`);
    return result;
  }

  private async partnerFromRedis(username: string, peer: string, callId?: string): Promise<PartnerResult> {
    const result: Outcome = JSON.parse(await this.link.run<string>('partner', usernameKey(username), usernameKey(peer), callId ?? ''));
    if (result.outcome !== 'in-call') return result.outcome === 'stale' ? STALE : NOT_IN_CALL;
    const route = result.peer as Route;
    return { outcome: 'in-call', callId: result.callId as string, peer: this.userAt(route) };
  }

  private userAt(route: Route): OnlineUser {
    return this.routes.user(route) ?? { username: route.name, sink: DETACHED };
  }
}
