import { RedisServer, StartedServer, startRedisServer } from '@duet/testing/processes';
import { requireBuiltServer, startServerProcess, waitFor } from './server-process';

export interface Instance extends StartedServer {
  readonly httpUrl: string;
}

export interface Cluster {
  readonly redis: RedisServer;
  readonly instances: Instance[];
  /** Stops every instance still running, then Redis. */
  stop(): Promise<void>;
}

let clusters = 0;

/**
 * A real redis-server and `count` production server processes sharing it, as behind a load
 * balancer: each on its own loopback port, each ready (it waits for Redis before it listens).
 */
export async function startCluster(
  count: number,
  env: Record<string, string> = {},
  /** Per instance: the Redis URL it uses instead of the cluster's (e.g. through a proxy the test can cut). */
  redisUrlOf: (redis: RedisServer, index: number) => string | Promise<string> = (redis) => redis.url,
): Promise<Cluster> {
  requireBuiltServer();
  clusters += 1;
  const redis = await startRedisServer();
  const instances: Instance[] = [];
  const stop = async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await redis.stop();
  };
  try {
    // Settled, not `all`: when one instance fails to start, the others must be known to be stopped.
    const started = await Promise.allSettled(
      Array.from({ length: count }, async (_, index) =>
        startServerProcess({ REDIS_URL: await redisUrlOf(redis, index), REDIS_KEY_PREFIX: `e2e-${process.pid}-${clusters}:`, ...env }),
      ),
    );
    for (const result of started) {
      if (result.status === 'rejected') continue;
      const server = result.value;
      instances.push({ ...server, httpUrl: server.baseUrl });
    }
    const failed = started.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    await Promise.all(instances.map((instance) => waitUntilReady(instance)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { redis, instances, stop };
}

/** `GET /readyz` status of `instance` (0 when it does not answer at all). */
export async function readiness(instance: Instance): Promise<number> {
  try {
    return (await fetch(`${instance.httpUrl}/readyz`)).status;
  } catch {
    return 0;
  }
}

/** Polls `/readyz` (nothing pushes readiness) until it says `status`. */
export async function waitUntilReady(instance: Instance, status = 200, timeoutMs = 30_000): Promise<void> {
  let last = 0;
  const deadline = Date.now() + timeoutMs;
  while ((last = await readiness(instance)) !== status) {
    if (Date.now() > deadline) throw new Error(`/readyz on ${instance.port} said ${last}, not ${status}, within ${timeoutMs} ms:\n${instance.output().slice(-3_000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export { waitFor };
