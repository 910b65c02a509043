import {
  AnswerResult,
  CallParties,
  CurrentCall,
  DeclineResult,
  Departures,
  EndedCall,
  HangUpResult,
  MessageSink,
  newCallId,
  OfferResult,
  OnlineUser,
  OnlineUsers,
  PartnerResult,
  RegistryHealth,
  RegistryUnavailableError,
  RejoinResult,
  SearchResult,
  UserRegistryService,
} from '@duet/server/signaling';
import { usernameKey } from '@duet/shared/protocol';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ClusterUpkeep } from './cluster-upkeep';
import { list, MemberRoutes, Route } from './member-routes';
import { Member } from './members';
import { randomId, RedisCluster } from './redis-cluster';

/** How long start-up waits for Redis before listening anyway (not ready, refusing logins until it answers). */
const STARTUP_WAIT_MS = 5_000;

const STALE = { outcome: 'stale' } as const;
const NOT_IN_CALL = { outcome: 'not-in-call' } as const;

/** A sink for a route Redis names but no session answers for (a race with its end): drops everything. */
const DETACHED: MessageSink = { send: () => undefined, relay: () => true };

/**
 * The resume token as Redis keeps it: hashed, so a copy of Redis' data resumes nobody; '' for a
 * session that cannot be resumed (its client did not opt in), which no token takes over.
 */
function tokenHashOf(sink: MessageSink): string {
  return sink.connection?.resumable ? createHash('sha256').update(sink.connection.resumeToken).digest('base64url') : '';
}

interface Outcome {
  readonly outcome: string;
  readonly updates?: unknown;
  readonly callId?: string;
  readonly peer?: Route | string;
  readonly callee?: Route;
}

/**
 * The registry of a cluster: every decision is one Lua script in Redis (see `scripts/`), so it
 * is atomic across instances, and the instances' caches follow each change (`MemberRoutes.apply`).
 * What needs no decision stays here: a candidate between two parties of a call is checked against
 * the cache and delivered without a round trip to Redis (to another instance: one PUBLISH per
 * event-loop turn for all of them). Names are leased per instance (`ClusterUpkeep`), not per user:
 * no user costs anything while idle.
 */
@Injectable()
export class RedisUserRegistry extends UserRegistryService implements OnModuleInit, OnApplicationShutdown {
  private readonly routes: MemberRoutes;
  private readonly upkeep: ClusterUpkeep;

  constructor(private readonly cluster: RedisCluster) {
    super();
    this.routes = new MemberRoutes(cluster);
    this.upkeep = new ClusterUpkeep(cluster, this.routes);
  }

  async onModuleInit(): Promise<void> {
    await this.upkeep.start();
    // Listening at once would advertise an instance that refuses every login; an unreachable
    // Redis must not keep it from starting either.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), STARTUP_WAIT_MS)));
    const reached = await Promise.race([this.upkeep.serving().then(() => true), waited]);
    clearTimeout(timer);
    if (!reached) new Logger('RedisUserRegistry').warn(`Redis not reached within ${STARTUP_WAIT_MS} ms; starting, but refusing logins until it answers (see /readyz)`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.upkeep.leave();
  }

  /** How many names of ended sessions wait for Redis to release them (retried with backoff). */
  get pendingReleases(): number {
    return this.upkeep.pendingReleaseCount;
  }

  /** Resolves once this instance serves (tests, and tools that must not start before Redis answers). */
  serving(): Promise<void> {
    return this.upkeep.serving();
  }

  override health(): RegistryHealth {
    return this.upkeep.health();
  }

  override onDeparture(listener: Departures): void {
    this.routes.onDeparture(listener);
  }

  private get link() {
    return this.cluster.link;
  }

  async register(username: string, sink: MessageSink): Promise<boolean> {
    this.upkeep.requireServing();
    const member = new Member(usernameKey(username), username, randomId(), sink, tokenHashOf(sink));
    this.routes.members.expect(member);
    let outcome: string;
    try {
      outcome = await this.link.run<string>('claim', member.key, username, this.cluster.id, member.sid, member.tokenHash);
    } catch (error) {
      this.routes.members.remove(member);
      throw error;
    }
    if (outcome === 'ok') {
      this.routes.members.confirm(member);
      return true;
    }
    this.routes.members.remove(member);
    if (outcome === 'fenced') return this.lapsed('this instance lost its lease');
    return false;
  }

  async replace(username: string, previous: MessageSink, next: MessageSink): Promise<boolean> {
    const member = this.routes.members.withSink(usernameKey(username), previous);
    if (member === undefined) return false;
    this.upkeep.requireSettled();
    const tokenHash = tokenHashOf(next);
    if ((await this.link.run<number>('replace', member.key, this.cluster.id, member.sid, tokenHash)) !== 1) return false;
    member.sink = next;
    member.tokenHash = tokenHash;
    return true;
  }

  /** See `Handover`: a session parked on another instance, taken over by `next` here. */
  override async takeOver(username: string, token: string, next: MessageSink): Promise<{ username: string; kept: string[] } | undefined> {
    this.upkeep.requireServing();
    const key = usernameKey(username);
    const [name, inst, sid] = await this.link.guard(() => this.link.commands.hmget(this.link.key(`u:${key}`), 'name', 'inst', 'sid'));
    if (!name || !inst || !sid || inst === this.cluster.id) return undefined;
    const shown = createHash('sha256').update(token).digest('base64url');
    const member = new Member(key, name, sid, next, tokenHashOf(next));
    const answer = await this.routes.handover.request(inst, member, shown);
    let moved: { name?: string; updates?: unknown } = {};
    if (answer.ok) {
      moved = JSON.parse(await this.link.run<string>('takeOver', key, sid, shown, this.cluster.id, member.tokenHash).catch(() => '{}'));
    }
    if (moved.name === undefined) {
      this.routes.members.remove(member);
      member.release();
      // The old instance gave its session up, but the claim did not move: nobody holds the name now.
      if (answer.ok) await this.upkeep.releaseAbandoned(key, inst, sid).catch(() => undefined);
      return undefined;
    }
    this.routes.members.confirm(member);
    this.routes.apply(moved.updates);
    return { username: moved.name, kept: answer.frames };
  }

  async unregister(username: string, sink: MessageSink): Promise<EndedCall | undefined> {
    const member = this.routes.members.withSink(usernameKey(username), sink);
    if (member === undefined) return undefined;
    // Nothing is delivered to it from now on, whatever Redis says.
    this.routes.members.remove(member);
    let result: { ended?: EndedCall; updates?: unknown };
    try {
      result = JSON.parse(await this.link.run<string>('release', member.key, this.cluster.id, member.sid));
    } catch (error) {
      // Retried until Redis answers (`PendingReleases`); the partner is told then.
      if (error instanceof RegistryUnavailableError) {
        this.upkeep.releaseLater(member.key, this.cluster.id, member.sid);
        return undefined;
      }
      throw error;
    }
    this.routes.apply(result.updates);
    return result.ended;
  }

  async find(username: string): Promise<OnlineUser | undefined> {
    const key = usernameKey(username);
    const local = this.routes.members.get(key);
    if (local) return { username: local.username, sink: local.sink };
    const [name, inst, sid] = await this.link.guard(() => this.link.commands.hmget(this.link.key(`u:${key}`), 'name', 'inst', 'sid'));
    if (!name || !inst || !sid) return undefined;
    return this.routes.user({ key, name, inst, sid });
  }

  async online(limit: number): Promise<OnlineUsers> {
    this.upkeep.requireSettled();
    const page = JSON.parse(await this.link.run<string>('onlinePage', limit));
    const users: OnlineUser[] = [];
    for (const route of list<Route>(page.users)) {
      const user = this.routes.user(route);
      if (user) users.push(user);
    }
    return { users, total: page.total };
  }

  async busyAmong(usernames: readonly string[]): Promise<readonly string[]> {
    if (usernames.length === 0) return [];
    this.upkeep.requireSettled();
    const pipeline = this.link.commands.pipeline();
    for (const username of usernames) pipeline.hexists(this.link.key(`u:${usernameKey(username)}`), 'call');
    const replies = (await this.link.guard(() => pipeline.exec())) ?? [];
    return usernames.filter((_, index) => replies[index]?.[1] === 1);
  }

  async search(prefix: string, limit: number): Promise<SearchResult> {
    this.upkeep.requireSettled();
    const key = usernameKey(prefix);
    // Members are "<key> <name>"; the space sorts below every character a name may hold.
    const [from, to] = key === '' ? ['-', '+'] : [`[${key}`, `[${key}\xff`];
    const found = await this.link.guard(() => this.link.commands.zrangebylex(this.link.key('names'), from, to, 'LIMIT', 0, limit + 1));
    return { users: found.slice(0, limit).map((member) => member.slice(member.indexOf(' ') + 1)), more: found.length > limit };
  }

  async offer(caller: string, callee: string, callId?: string): Promise<OfferResult> {
    const result = await this.decide('offer', caller, usernameKey(callee), callId ?? '', newCallId(), this.cluster.options.ringTimeoutMs);
    switch (result.outcome) {
      case 'ringing':
      case 'in-call': {
        const route = result.callee as Route;
        return { outcome: result.outcome, callId: result.callId as string, callee: this.routes.user(route) ?? { username: route.name, sink: DETACHED } };
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
    return { outcome: 'accepted', callId: result.callId as string, peer: this.routes.user(route) ?? { username: route.name, sink: DETACHED } };
  }

  /**
   * The hot path: a user of this instance relays a candidate. Decided from the cache, which every
   * script that changes a call keeps current (a late update can only let a message through that the
   * partner's instance then drops, since it checks the call id against its own cache). Answered
   * synchronously from the cache; only a user this instance does not hold costs a round trip.
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
    return { outcome: 'restored', peer: this.routes.user(route) ?? { username: route.name, sink: DETACHED } };
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
    if (result.outcome === 'not-owner') return this.lapsed(`${username} is no longer held by this instance`);
    return result;
  }

  private async partnerFromRedis(username: string, peer: string, callId?: string): Promise<PartnerResult> {
    const result: Outcome = JSON.parse(await this.link.run<string>('partner', usernameKey(username), usernameKey(peer), callId ?? ''));
    if (result.outcome !== 'in-call') return result.outcome === 'stale' ? STALE : NOT_IN_CALL;
    const route = result.peer as Route;
    return { outcome: 'in-call', callId: result.callId as string, peer: this.routes.user(route) ?? { username: route.name, sink: DETACHED } };
  }

  /** This instance's hold on its names is in doubt: rejoin, and refuse meanwhile. */
  private lapsed(why: string): never {
    this.upkeep.lapsed(why);
    throw new RegistryUnavailableError(`${why}; rejoining the cluster`);
  }
}
