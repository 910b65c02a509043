import {
  AnswerResult,
  CallParties,
  CurrentCall,
  DeclineResult,
  Departures,
  EndedCall,
  HangUpResult,
  MessageSink,
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
import { RedisCallRules } from './redis-call-rules';
import { randomId, RedisCluster } from './redis-cluster';

/** How long start-up waits for Redis before listening anyway (not ready, refusing logins until it answers). */
const STARTUP_WAIT_MS = 5_000;

/**
 * The resume token as Redis keeps it: hashed, so a copy of Redis' data resumes nobody; '' for a
 * session that cannot be resumed (its client did not opt in), which no token takes over.
 */
function tokenHashOf(sink: MessageSink): string {
  return sink.connection?.resumable ? createHash('sha256').update(sink.connection.resumeToken).digest('base64url') : '';
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
  private readonly callRules: RedisCallRules;

  constructor(private readonly cluster: RedisCluster) {
    super();
    this.routes = new MemberRoutes(cluster);
    this.upkeep = new ClusterUpkeep(cluster, this.routes);
    this.callRules = new RedisCallRules(cluster, this.routes, this.upkeep);
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
    return this.upkeep.releases.pendingReleaseCount;
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
    if (outcome === 'fenced') return this.upkeep.lapsed('this instance lost its lease');
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
      if (answer.ok) await this.upkeep.releases.releaseAbandoned(key, inst, sid).catch(() => undefined);
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
        this.upkeep.releases.releaseLater(member.key, this.cluster.id, member.sid);
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
    // Members are "<key> <name>"; the space sorts below every character a name may hold. The upper
    // bound is the byte 0xff, above every byte of UTF-8 (a guest's display name may be any script):
    // the string "\xff" would be sent as UTF-8 (c3 bf) and cut off names whose next letter is above it.
    const [from, to] = key === '' ? ['-', '+'] : [`[${key}`, Buffer.concat([Buffer.from(`[${key}`), Buffer.from([0xff])])];
    const found = await this.link.guard(() => this.link.commands.zrangebylex(this.link.key('names'), from, to, 'LIMIT', 0, limit + 1));
    return { users: found.slice(0, limit).map((member) => member.slice(member.indexOf(' ') + 1)), more: found.length > limit };
  }

  // The call rules: one Lua script each (`RedisCallRules`), held to CALL_TABLE by the contract.
  offer(caller: string, callee: string, callId?: string): Promise<OfferResult> {
    return this.callRules.offer(caller, callee, callId);
  }

  expire(callId: string): Promise<CallParties | undefined> {
    return this.callRules.expire(callId);
  }

  accept(username: string, peer: string, callId?: string): Promise<AnswerResult> {
    return this.callRules.accept(username, peer, callId);
  }

  /** The hot path: synchronous from this instance's cache (see `RedisCallRules.partnerInCall`). */
  partnerInCall(username: string, peer: string, callId?: string): PartnerResult | Promise<PartnerResult> {
    return this.callRules.partnerInCall(username, peer, callId);
  }

  hangUp(username: string, peer?: string, callId?: string): Promise<HangUpResult> {
    return this.callRules.hangUp(username, peer, callId);
  }

  decline(callee: string, caller: string, callId?: string): Promise<DeclineResult> {
    return this.callRules.decline(callee, caller, callId);
  }

  callOf(username: string): Promise<CurrentCall | undefined> {
    return this.callRules.callOf(username);
  }

  rejoin(username: string, peer: string, callId: string): Promise<RejoinResult> {
    return this.callRules.rejoin(username, peer, callId);
  }

  abandonClaim(username: string, callId: string): Promise<boolean> {
    return this.callRules.abandonClaim(username, callId);
  }
}
