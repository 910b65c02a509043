/**
 * Instances: a lease each (`instances`, a sorted set scored by expiry in Redis' clock), swept
 * by every other instance once it lapses. A swept instance gets a tombstone, so if it was only cut
 * off it learns, when it reaches Redis again, that its users were let go.
 */

/**
 * ARGV: P, inst, ttl ms, a fresh epoch. Renews this instance's lease; 'swept' if it was swept.
 * Also returns Redis' epoch (set on first use): a new one means Redis lost its data.
 */
export const LEASE = `
local inst, ttl, fresh = ARGV[2], tonumber(ARGV[3]), ARGV[4]
if redis.call('EXISTS', P .. 'swept:' .. inst) == 1 then return cjson.encode({ swept = true }) end
redis.call('ZADD', INSTANCES, now_ms() + ttl, inst)
redis.call('SET', P .. 'epoch', fresh, 'NX')
return cjson.encode({ swept = false, epoch = redis.call('GET', P .. 'epoch') })
`;

/**
 * ARGV: P, tombstone ttl seconds, claim ms, own id. One other instance whose lease lapsed, claimed for sweeping
 * by this one: its lease is pushed `claim ms` ahead (if this instance dies mid-sweep, another one
 * takes over then) and it is tombstoned, so it can never renew. Removed once swept (SWEPT).
 */
export const CLAIM_DEAD = `
local now = now_ms()
local dead
for _, inst in ipairs(redis.call('ZRANGEBYSCORE', INSTANCES, '-inf', now, 'LIMIT', 0, 2)) do
  if inst ~= ARGV[4] then dead = inst; break end
end
if not dead then return false end
redis.call('ZADD', INSTANCES, now + tonumber(ARGV[3]), dead)
redis.call('SET', P .. 'swept:' .. dead, '1', 'EX', tonumber(ARGV[2]))
return dead
`;

/** ARGV: P, inst. A swept instance with nobody left: out of the set. */
export const SWEPT = `
if redis.call('SCARD', MEMBERS(ARGV[2])) == 0 then redis.call('ZREM', INSTANCES, ARGV[2]) end
return 1
`;

/**
 * ARGV: P, inst, count. Releases up to `count` users of instance `inst` (one that died, or this
 * one leaving): names freed, calls ended. For each, its name and, if it was in a call, the call
 * and the partner's route, so the partner's instance can be told. `more` while some remain.
 */
export const RELEASE_BATCH = `
local inst, count = ARGV[2], tonumber(ARGV[3])
local released = {}
for _, k in ipairs(redis.call('SPOP', MEMBERS(inst), count)) do
  local u = redis.call('HMGET', U(k), 'name', 'inst', 'call')
  if u[1] and u[2] == inst then
    local entry = { name = u[1] }
    if u[3] then
      local c = end_call(u[3])
      if c then
        local pk = c[1]
        if c[1] == k then pk = c[2] end
        entry.callId = u[3]
        entry.peer = route(pk)
      end
    end
    forget(k, u[1], inst)
    table.insert(released, entry)
  end
end
return reply({ released = released, more = redis.call('SCARD', MEMBERS(inst)) > 0 })
`;

/**
 * ARGV: P, inst, then per user: key, name, sid, token hash, availability. After Redis came back (restarted
 * empty, or reachable again): each user of this instance holds its name again, unless someone
 * else took it meanwhile ('taken': only possible if this instance was swept). Every user is
 * noted, so the instance's cache of calls is refreshed from what Redis knows now.
 */
export const REASSERT = `
local inst = ARGV[2]
local results = {}
for i = 3, #ARGV, 5 do
  local k, name, sid, tok, av = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local u = redis.call('HMGET', U(k), 'inst', 'sid')
  if u[1] and (u[1] ~= inst or u[2] ~= sid) then
    table.insert(results, 'taken')
  else
    if not u[1] then
      local seq = redis.call('INCR', P .. 'seq')
      redis.call('HSET', U(k), 'name', name, 'inst', inst, 'sid', sid, 'tok', tok, 'seq', seq, 'cv', '0')
      if av ~= 'available' then redis.call('HSET', U(k), 'av', av) end
      redis.call('ZADD', ONLINE, seq, k)
      redis.call('ZADD', NAMES, 0, k .. ' ' .. name)
    end
    redis.call('SADD', MEMBERS(inst), k)
    redis.call('HINCRBY', U(k), 'cv', 1)
    note(k)
    table.insert(results, 'held')
  end
end
return reply({ results = results })
`;
