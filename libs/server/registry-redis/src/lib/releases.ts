import { usernameKey } from '@duet/shared/protocol';
import { list, MemberRoutes, Route } from './member-routes';
import { PendingReleases } from './pending-releases';
import { RedisCluster } from './redis-cluster';

const RELEASE_BATCH = 100;

/**
 * Names no session of this instance will release itself: every user of a dead instance (swept) or
 * of this one (leaving), names left behind while cut off, and releases Redis did not answer
 * (retried). As when a session ends, each partner in a call is told it ended.
 */
export class Releases {
  private readonly pendingReleases = new PendingReleases((key, inst, sid) => this.releaseAbandoned(key, inst, sid, { retry: true }));

  constructor(
    private readonly cluster: RedisCluster,
    private readonly routes: MemberRoutes,
  ) {}

  private get link() {
    return this.cluster.link;
  }

  /** Shutdown: nothing is retried any more (whatever is left is released all at once). */
  close(): void {
    this.pendingReleases.close();
  }

  /** Releases every user of instance `inst`, telling each call partner; how many there were. */
  async releaseAll(inst: string): Promise<number> {
    let count = 0;
    for (;;) {
      const batch = JSON.parse(await this.link.run<string>('releaseBatch', inst, RELEASE_BATCH));
      this.routes.apply(batch.updates);
      for (const entry of list<{ name: string; callId?: string; peer?: Route }>(batch.released)) {
        count += 1;
        if (inst === this.cluster.id) {
          const member = this.routes.members.get(usernameKey(entry.name));
          if (member) this.routes.members.remove(member);
        }
        const call = entry.callId !== undefined && entry.peer !== undefined ? { callId: entry.callId, peer: entry.peer } : undefined;
        this.routes.released(entry.name, call, inst);
      }
      if (!batch.more) return count;
    }
  }

  /** Names Redis says this instance holds but no session here has any more (ended while cut off). */
  async releaseOrphans(): Promise<void> {
    const held = await this.link.guard(() => this.link.commands.smembers(this.link.key(`i:${this.cluster.id}`)));
    for (const key of held) {
      if (!this.routes.members.get(key)) await this.releaseAbandoned(key, this.cluster.id, '');
    }
  }

  /** Session `sid` ended but Redis did not answer its release: retried until it does (`PendingReleases`). */
  releaseLater(key: string, inst: string, sid: string): void {
    this.pendingReleases.add(key, inst, sid);
  }

  /** How many names wait for Redis to release them. */
  get pendingReleaseCount(): number {
    return this.pendingReleases.size;
  }

  /**
   * Releases a name whose session is gone without having released it (`sid` '' for any session of
   * `inst`), as its session's end would have: its partner told, everyone else too. A `retry` of a
   * session's own release: everyone else was told when the session ended; only its partner is left.
   */
  async releaseAbandoned(key: string, inst: string, sid: string, { retry = false } = {}): Promise<void> {
    const result = JSON.parse(await this.link.run<string>('release', key, inst, sid, retry ? '1' : '0'));
    this.routes.apply(result.updates);
    if (result.name === undefined) return;
    if (!retry) this.routes.released(result.name);
    if (result.ended) await this.tellEnded(result.name, result.ended.peer, result.ended.callId);
  }

  private async tellEnded(username: string, peer: string, callId: string): Promise<void> {
    const [name, inst, sid] = await this.link.guard(() => this.link.commands.hmget(this.link.key(`u:${usernameKey(peer)}`), 'name', 'inst', 'sid'));
    if (!name || !inst || !sid) return;
    this.routes.sinkFor(usernameKey(peer), inst, sid)?.send({ type: 'close', username, reason: 'disconnected', callId });
  }
}
