import { CLOSE_NAME_TAKEN, RegistryHealth, RegistryUnavailableError } from '@duet/server/signaling';
import { Logger } from '@nestjs/common';
import { CachedCall } from './envelopes';
import { list, MemberRoutes } from './member-routes';
import { Member } from './members';
import { Releases } from './releases';
import { leaseTiming, randomId, RedisCluster } from './redis-cluster';

/**
 * This instance's standing in the cluster:
 *
 *   joining -> restoring -> serving <-> cut-off -> restoring -> serving ...   (any -> leaving)
 *
 * - `serving`: Redis answers and this instance's lease is fresh; it takes logins. Only here.
 * - `cut-off`: the link dropped, or the lease could not be renewed in time. Logins are refused
 *   (`unavailable`), relays between two users of this instance go on from the cache; other
 *   instances sweep this one once its lease lapses.
 * - `restoring`: Redis is reachable (again): renew the lease and give every user here its name
 *   back (`reassert`); if this instance was swept meanwhile it rejoins under a new id, and if Redis
 *   lost its data the calls are put back together as after a restart (both parties claim them).
 *   Users whose name someone else took meanwhile (only possible after a sweep) are closed with
 *   `CLOSE_NAME_TAKEN`: one name never has two live holders.
 * Every transition is logged once, with the reason.
 */
type Standing = 'joining' | 'serving' | 'cut-off' | 'restoring' | 'leaving';

const REASSERT_BATCH = 200;
/** A tombstone outlives any plausible partition: the swept instance must learn it was swept. */
const TOMBSTONE_SECONDS = 24 * 3_600;

export class ClusterUpkeep {
  private readonly logger = new Logger('ClusterUpkeep');
  private readonly timing: ReturnType<typeof leaseTiming>;
  private standing: Standing = 'joining';
  private reason = 'connecting to Redis';
  private leaseValidUntil = 0;
  private knownEpoch: string | undefined;
  private timers: ReturnType<typeof setInterval>[] = [];
  private restoring: Promise<void> | undefined;
  private sweeping = false;
  private readonly servingWaiters: (() => void)[] = [];

  /** Names let go on behalf of sessions that cannot (dead instances, cut-offs, unanswered releases). */
  readonly releases: Releases;

  constructor(
    private readonly cluster: RedisCluster,
    private readonly routes: MemberRoutes,
  ) {
    this.timing = leaseTiming(cluster.options.heartbeatIntervalMs);
    this.releases = new Releases(cluster, routes);
  }

  private get link() {
    return this.cluster.link;
  }

  async start(): Promise<void> {
    await this.cluster.channel.listen(this.cluster.id, (envelope) => this.routes.deliver(envelope));
    this.link.onUp(() => void this.restore());
    this.link.onDown(() => this.cutOff('the connection to Redis dropped'));
    this.link.start();
    this.timers = [
      setInterval(() => void this.renew(), this.timing.renewEveryMs),
      setInterval(() => void this.sweep(), this.timing.sweepEveryMs),
    ];
    this.timers.forEach((timer) => timer.unref());
  }

  health(): RegistryHealth {
    return this.standing === 'serving' ? { ready: true } : { ready: false, reason: this.describe() };
  }

  /** Throws `RegistryUnavailableError` unless serving: names are only ever taken then. */
  requireServing(): void {
    if (this.standing !== 'serving') throw new RegistryUnavailableError(this.describe());
  }

  /**
   * Throws unless this instance's users hold their names in Redis as far as it knows: serving, or
   * leaving (releasing them). Not while cut off or restoring, when a decision could act on a claim
   * that was swept or is not reasserted yet.
   */
  requireSettled(): void {
    if (this.standing !== 'serving' && this.standing !== 'leaving') throw new RegistryUnavailableError(this.describe());
  }

  /** Resolves once serving (at once if it is). */
  serving(): Promise<void> {
    if (this.standing === 'serving') return Promise.resolve();
    return new Promise((resolve) => this.servingWaiters.push(resolve));
  }

  /** A script found this instance's lease lapsed or a user's claim gone: rejoin now, and refuse meanwhile. */
  lapsed(why: string): never {
    this.cutOff(why);
    if (this.link.isUp) void this.restore();
    throw new RegistryUnavailableError(`${why}; rejoining the cluster`);
  }

  /** Shutdown: every user here is let go (their partners told, as when an instance dies), then the link closes. */
  async leave(): Promise<void> {
    if (this.standing === 'leaving') return;
    const wasServing = this.standing === 'serving';
    this.setStanding('leaving', 'shutting down');
    this.timers.forEach((timer) => clearInterval(timer));
    // Whatever this instance still holds is released below, all at once.
    this.releases.close();
    this.routes.handover.close();
    await this.restoring?.catch(() => undefined);
    if (wasServing && this.link.isUp) {
      try {
        await this.releases.releaseAll(this.cluster.id);
        await this.link.run('swept', this.cluster.id);
        await this.cluster.channel.drain();
      } catch (error) {
        this.logger.warn(`could not release this instance's users on shutdown (${String(error)}); others will sweep them`);
      }
    }
    await this.link.close();
  }

  private describe(): string {
    if (this.standing === 'joining' && this.link.problem) return `${this.reason}: ${this.link.problem}`;
    return this.reason;
  }

  private setStanding(next: Standing, reason: string): void {
    if (this.standing === 'leaving') return;
    const previous = this.standing;
    this.reason = reason;
    if (previous === next) return;
    this.standing = next;
    const line = `cluster standing ${previous} -> ${next} (${reason})`;
    if (next !== 'cut-off') this.logger.log(line);
    else this.logger.warn(line);
    if (next === 'serving') this.servingWaiters.splice(0).forEach((resolve) => resolve());
  }

  private cutOff(reason: string): void {
    if (this.standing === 'serving' || this.standing === 'restoring') this.setStanding('cut-off', reason);
    else this.reason = reason;
  }

  /** Renews the lease; a lease that could not be renewed in time cuts this instance off. */
  private async renew(): Promise<void> {
    if (this.standing === 'serving' && Date.now() > this.leaseValidUntil) {
      this.cutOff('the lease could not be renewed in time');
    }
    if (!this.link.isUp || this.restoring || this.standing === 'joining' || this.standing === 'leaving') return;
    if (this.standing === 'cut-off') return this.restore();
    const sentAt = Date.now();
    try {
      const lease = JSON.parse(await this.link.run<string>('lease', this.cluster.id, this.timing.leaseMs, randomId()));
      if (lease.swept || lease.epoch !== this.knownEpoch) return this.restore();
      // Counted from before the request: Redis set the expiry later, so this side lapses first.
      this.leaseValidUntil = sentAt + this.timing.leaseMs;
    } catch (error) {
      this.logger.warn(`lease renewal failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Releases the users of instances whose lease lapsed (one sweeper per dead instance, cluster-wide). */
  private async sweep(): Promise<void> {
    if (this.standing !== 'serving' || this.sweeping) return;
    // Only an instance that knows its own lease is fresh may judge others'.
    if (Date.now() > this.leaseValidUntil) return;
    this.sweeping = true;
    try {
      for (;;) {
        const dead = await this.link.run<string | null>('claimDead', TOMBSTONE_SECONDS, this.timing.leaseMs, this.cluster.id);
        if (!dead) return;
        const released = await this.releases.releaseAll(dead);
        await this.link.run('swept', dead);
        this.logger.warn(`instance ${dead} stopped renewing its lease: released its ${released} users`);
      }
    } catch (error) {
      if (!(error instanceof RegistryUnavailableError)) this.logger.error(`sweep failed: ${error instanceof Error ? error.stack : String(error)}`);
    } finally {
      this.sweeping = false;
    }
  }

  private restore(): Promise<void> {
    this.restoring ??= this.rejoin().finally(() => (this.restoring = undefined));
    return this.restoring;
  }

  private async rejoin(): Promise<void> {
    if (this.standing === 'leaving') return;
    this.setStanding('restoring', this.standing === 'joining' ? 'Redis reached' : 'Redis reachable again');
    try {
      const sentAt = Date.now();
      let lease = JSON.parse(await this.link.run<string>('lease', this.cluster.id, this.timing.leaseMs, randomId()));
      let lost = false;
      if (lease.swept) {
        const old = this.cluster.id;
        const fresh = this.cluster.renewIdentity();
        await this.cluster.channel.stopListening(old);
        await this.cluster.channel.listen(fresh, (envelope) => this.routes.deliver(envelope));
        lease = JSON.parse(await this.link.run<string>('lease', fresh, this.timing.leaseMs, randomId()));
        this.logger.warn(`this instance was swept while cut off (its users were released); rejoining as ${fresh}`);
        lost = true;
      }
      if (this.knownEpoch !== undefined && lease.epoch !== this.knownEpoch) {
        this.logger.warn('Redis lost its data (restarted empty?): restoring the users and calls of this instance');
        lost = true;
      }
      this.knownEpoch = lease.epoch;
      this.leaseValidUntil = sentAt + this.timing.leaseMs;
      const afterwards = await this.reassert(lost);
      await this.releases.releaseOrphans();
      this.setStanding('serving', 'lease held');
      // Claims to lost calls are decisions of their own: taken once this instance serves again.
      afterwards.forEach((tell) => tell());
    } catch (error) {
      this.cutOff(`restoring failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Every user here holds its name again and its cached call is compared with Redis'. A call Redis
   * no longer has was either lost with Redis' data or with this instance's sweep (`lost`: put it
   * back together as after a restart, when both parties claim it), or ended while this instance
   * could not hear about it (the user is told it ended).
   */
  private async reassert(lost: boolean): Promise<(() => void)[]> {
    const afterwards: (() => void)[] = [];
    const members = this.routes.members.all();
    for (let start = 0; start < members.length; start += REASSERT_BATCH) {
      const batch = members.slice(start, start + REASSERT_BATCH);
      const before = new Map<Member, CachedCall | undefined>(batch.map((member) => [member, member.call]));
      const args = batch.flatMap((member) => [member.key, member.username, member.sid, member.tokenHash, member.availability]);
      const result = JSON.parse(await this.link.run<string>('reassert', this.cluster.id, ...args));
      this.routes.apply(result.updates, true);
      list<string>(result.results).forEach((outcome, index) => {
        const member = batch[index];
        if (outcome === 'taken') return this.evict(member);
        const call = before.get(member);
        if (call !== undefined && member.call?.id !== call.id) afterwards.push(() => this.callGone(member, call, lost));
      });
    }
    return afterwards;
  }

  private callGone(member: Member, call: CachedCall, lost: boolean): void {
    if (lost && call.state === 'active') {
      this.routes.peerLost(member, call.peerName, call.id);
      return;
    }
    member.sink.send({ type: 'close', username: call.peerName, reason: 'disconnected', callId: call.id });
  }

  private evict(member: Member): void {
    this.routes.members.remove(member);
    this.logger.warn(`${member.username} was taken by another instance while this one was cut off: closing its session here`);
    member.sink.connection?.evict(CLOSE_NAME_TAKEN, 'your name was taken while this server was cut off; log in again');
  }
}
