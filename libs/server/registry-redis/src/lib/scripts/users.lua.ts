/** Names: who holds which, in login order, for the list; by key, for search. */

/**
 * ARGV: P, key, name, inst, sid, token hash. 'ok', 'taken', or 'fenced' when this instance's own
 * lease has lapsed: an instance that may already have been swept must not take names.
 */
export const CLAIM = `
local k, name, inst, sid, tok = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if tonumber(redis.call('ZSCORE', INSTANCES, inst) or '0') <= now_ms() then return 'fenced' end
if redis.call('EXISTS', U(k)) == 1 then return 'taken' end
local seq = redis.call('INCR', P .. 'seq')
redis.call('HSET', U(k), 'name', name, 'inst', inst, 'sid', sid, 'tok', tok, 'seq', seq, 'cv', '0')
redis.call('SADD', MEMBERS(inst), k)
redis.call('ZADD', ONLINE, seq, k)
redis.call('ZADD', NAMES, 0, k .. ' ' .. name)
return 'ok'
`;

/** ARGV: P, key, inst, sid. Releases the name if that session holds it; ends its call. */
export const RELEASE = `
local k, inst, sid = ARGV[2], ARGV[3], ARGV[4]
if not owns(k, inst, sid) then return reply({}) end
local u = redis.call('HMGET', U(k), 'name', 'call')
local ended
if u[2] then
  local c = end_call(u[2])
  if c then
    local peer = c[3]
    if c[1] == k then peer = c[4] end
    ended = { callId = u[2], peer = peer }
  end
end
forget(k, u[1], redis.call('HGET', U(k), 'inst') or inst)
return reply({ name = u[1], ended = ended })
`;

/** ARGV: P, key, inst, sid, token hash. A resumed session of this instance takes the name over. */
export const REPLACE = `
local k, inst, sid, tok = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if not owns(k, inst, sid) then return 0 end
redis.call('HSET', U(k), 'tok', tok)
return 1
`;

/**
 * ARGV: P, key, token hash, new inst, new token hash. Cross-instance resume: the session parked on
 * another instance is taken over by this one when the token matches (single use: it is replaced).
 * Returns the session's name, sid, old instance and call, or nothing.
 */
export const TAKE_OVER = `
local k, shown, inst, tok = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local u = redis.call('HMGET', U(k), 'name', 'inst', 'sid', 'tok', 'lost')
if not u[1] or u[4] == '' or u[4] ~= shown or u[5] == '1' or u[2] == inst then return reply({}) end
redis.call('HSET', U(k), 'inst', inst, 'tok', tok)
redis.call('SMOVE', MEMBERS(u[2]), MEMBERS(inst), k)
redis.call('HINCRBY', U(k), 'cv', 1)
note(k)
local id = redis.call('HGET', U(k), 'call')
if id then
  local c = redis.call('HMGET', C(id), 'ck', 'ek')
  local pk = c[1]
  if c[1] == k then pk = c[2] end
  if pk then
    redis.call('HINCRBY', U(pk), 'cv', 1)
    note(pk)
  end
end
return reply({ name = u[1], sid = u[3], from = u[2] })
`;

/** ARGV: P, key. The parked session lost messages: it may not be resumed, here or elsewhere. */
export const MARK_LOST = `
redis.call('HSET', U(ARGV[2]), 'lost', '1')
return 1
`;

/** ARGV: P, limit. The first `limit` users in login order, with their routes, and how many there are. */
export const ONLINE_PAGE = `
local limit = tonumber(ARGV[2])
local users = {}
if limit > 0 then
  for _, k in ipairs(redis.call('ZRANGE', ONLINE, 0, limit - 1)) do
    local r = route(k)
    if r then table.insert(users, r) end
  end
end
return cjson.encode({ total = redis.call('ZCARD', ONLINE), users = users })
`;
