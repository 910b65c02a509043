import { RedisConfig } from '@duet/server/config';
import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { InstanceChannel } from './instance-channel';
import { RedisLink } from './redis-link';

export interface RedisRegistryOptions {
  readonly redis: RedisConfig;
  /** `HEARTBEAT_INTERVAL_MS`: instance leases are sized from it (see `leaseTiming`). */
  readonly heartbeatIntervalMs: number;
  /** `RING_TIMEOUT_MS`: armed in Redis with each ringing call. */
  readonly ringTimeoutMs: number;
}

export const REDIS_REGISTRY_OPTIONS = Symbol('REDIS_REGISTRY_OPTIONS');

/**
 * How long an instance's lease lasts and how often it is renewed and others' are checked, from
 * the socket heartbeat: an instance that dies has its users released within about 2 heartbeats,
 * like a socket that stops answering pings (detected within 2 intervals).
 * - lease: 1.5 × heartbeat, renewed every heartbeat / 3 (so two renewals can fail before it lapses);
 * - sweep: every heartbeat / 4, so a lapsed lease is found at most that late: 1.75 × heartbeat.
 */
export function leaseTiming(heartbeatIntervalMs: number) {
  return {
    leaseMs: Math.round(heartbeatIntervalMs * 1.5),
    renewEveryMs: Math.round(heartbeatIntervalMs / 3),
    sweepEveryMs: Math.round(heartbeatIntervalMs / 4),
  };
}

/** 72 random bits: instance and session ids need only be unique, and short on the wire. */
export function randomId(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * This instance's place in the cluster: its id (new if it was swept and rejoins), its link to
 * Redis and its channel. Shared by the registry and the ring timer; the registry opens and closes it.
 */
@Injectable()
export class RedisCluster {
  readonly link: RedisLink;
  readonly channel: InstanceChannel;
  private identity = randomId();

  constructor(@Inject(REDIS_REGISTRY_OPTIONS) readonly options: RedisRegistryOptions) {
    const { renewEveryMs } = leaseTiming(options.heartbeatIntervalMs);
    this.link = new RedisLink({
      url: options.redis.url,
      keyPrefix: options.redis.keyPrefix,
      // A command slower than a lease renewal interval is as good as lost.
      commandTimeoutMs: Math.max(500, Math.min(renewEveryMs, 5_000)),
    });
    this.channel = new InstanceChannel(this.link, () => this.identity);
  }

  get id(): string {
    return this.identity;
  }

  /** A swept instance comes back as a new one: nothing addressed to the old id can reach it. */
  renewIdentity(): string {
    this.identity = randomId();
    return this.identity;
  }
}
