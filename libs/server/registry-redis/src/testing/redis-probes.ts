import { usernameKey } from '@duet/shared/protocol';
import Redis from 'ioredis';

export interface RedisSnapshot {
  users: string[];
  calls: { caller: string; callee: string; state: string }[];
}

async function keysLike(redis: Redis, pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

/** Users in login order and calls, read straight from Redis under `prefix`. */
export async function inspectRedis(redis: Redis, prefix: string): Promise<RedisSnapshot> {
  const users: string[] = [];
  for (const key of await redis.zrange(`${prefix}online`, 0, -1)) {
    users.push((await redis.hget(`${prefix}u:${key}`, 'name')) ?? `<${key} has no hash>`);
  }
  const calls: RedisSnapshot['calls'] = [];
  for (const key of await keysLike(redis, `${prefix}c:*`)) {
    const [caller, callee, state] = await redis.hmget(key, 'caller', 'callee', 'state');
    calls.push({ caller: caller ?? '?', callee: callee ?? '?', state: state ?? '?' });
  }
  return { users, calls };
}

/** `username`'s call as the scripts keep it, with the keys of the parties holding an offer not yet answered. */
export async function redisCallRecord(redis: Redis, prefix: string, username: string) {
  const id = await redis.hget(`${prefix}u:${usernameKey(username)}`, 'call');
  if (!id) return undefined;
  const [ck, ek, caller, callee, state, awc, awe] = await redis.hmget(`${prefix}c:${id}`, 'ck', 'ek', 'caller', 'callee', 'state', 'awc', 'awe');
  const holding = [awc === '1' ? ck : null, awe === '1' ? ek : null].filter((key): key is string => key !== null);
  return { id, caller: caller ?? '?', callee: callee ?? '?', state: state ?? '?', holding };
}

/** The key of the user whose claim to call `callId` waits, if any. */
export async function redisClaimant(redis: Redis, prefix: string, callId: string): Promise<string | undefined> {
  return (await redis.hget(`${prefix}j:${callId}`, 'claimant')) ?? undefined;
}

/** The invariants the scripts must keep, read from Redis: the broken ones, empty when all hold. */
export async function redisViolations(redis: Redis, prefix: string): Promise<string[]> {
  const broken: string[] = [];
  const online = new Set(await redis.zrange(`${prefix}online`, 0, -1));
  const names = new Set(await redis.zrange(`${prefix}names`, 0, -1));
  for (const hash of await keysLike(redis, `${prefix}u:*`)) {
    const key = hash.slice(`${prefix}u:`.length);
    const [name, inst, call, claim] = await redis.hmget(hash, 'name', 'inst', 'call', 'rj');
    if (!name || !inst) broken.push(`${key}: a user hash without name or instance`);
    if (name && name.toLowerCase() !== key) broken.push(`${key}: keyed under the wrong name ${name}`);
    if (!online.delete(key)) broken.push(`${key}: not in the online list`);
    if (name && !names.delete(`${key} ${name}`)) broken.push(`${key}: not in the directory`);
    if (inst && !(await redis.sismember(`${prefix}i:${inst}`, key))) broken.push(`${key}: not among ${inst}'s users`);
    if (call) {
      const [ck, ek] = await redis.hmget(`${prefix}c:${call}`, 'ck', 'ek');
      if (ck !== key && ek !== key) broken.push(`${key}: points at call ${call}, which is not its own`);
    }
    if (claim && call) broken.push(`${key}: in a call and still claiming ${claim}`);
  }
  for (const key of online) broken.push(`online lists ${key}, who has no hash`);
  for (const entry of names) broken.push(`the directory lists "${entry}", who has no hash`);
  for (const hash of await keysLike(redis, `${prefix}c:*`)) {
    const id = hash.slice(`${prefix}c:`.length);
    const [ck, ek] = await redis.hmget(hash, 'ck', 'ek');
    if (ck === ek) broken.push(`call ${id}: a self-call`);
    for (const party of [ck, ek]) {
      if ((await redis.hget(`${prefix}u:${party}`, 'call')) !== id) broken.push(`call ${id}: ${party} is not in it`);
    }
  }
  for (const id of await redis.zrange(`${prefix}rings`, 0, -1)) {
    if ((await redis.hget(`${prefix}c:${id}`, 'state')) !== 'ringing') broken.push(`ring ${id}: armed for a call that does not ring`);
  }
  for (const hash of await keysLike(redis, `${prefix}j:*`)) {
    const id = hash.slice(`${prefix}j:`.length);
    const claimant = await redis.hget(hash, 'claimant');
    if ((await redis.hget(`${prefix}u:${claimant}`, 'rj')) !== id) broken.push(`claim ${id}: not indexed to ${claimant}`);
  }
  return broken;
}
