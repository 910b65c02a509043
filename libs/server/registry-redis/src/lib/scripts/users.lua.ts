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

/** How long Redis remembers what a session's release did, for a retry whose first reply was lost. */
export const RELEASED_TTL_SECONDS = 300;

/**
 * ARGV: P, key, inst, sid, replay. Releases the name if that session holds it; ends its call.
 * What a session's release did is kept for `RELEASED_TTL_SECONDS` under `released:<sid>`: a retry
 * (`replay` '1') after an attempt that timed out, but ran, is told what it did (and the partner's
 * current call view), so the partner can still be told its call ended.
 */
export const RELEASE = `
local k, inst, sid, replay = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if not owns(k, inst, sid) then
  if replay == '1' and sid ~= '' then
    local done = redis.call('GET', P .. 'released:' .. sid)
    if done then
      local result = cjson.decode(done)
      if result.peerKey then note(result.peerKey) end
      result.peerKey = nil
      return reply(result)
    end
  end
  return reply({})
end
local u = redis.call('HMGET', U(k), 'name', 'call')
local ended, peerKey
if u[2] then
  local c = end_call(u[2])
  if c then
    local peer = c[3]
    peerKey = c[1]
    if c[1] == k then peer, peerKey = c[4], c[2] end
    ended = { callId = u[2], peer = peer }
  end
end
forget(k, u[1], redis.call('HGET', U(k), 'inst') or inst)
if sid ~= '' then
  redis.call('SET', P .. 'released:' .. sid, cjson.encode({ name = u[1], ended = ended, peerKey = peerKey }), 'EX', ${RELEASED_TTL_SECONDS})
end
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
 * ARGV: P, key, sid, token hash, new inst, new token hash. Cross-instance resume (`Handover`): the
 * claim of session `sid`, parked on another instance, moves to this one when the token matches
 * (single use: it is replaced). The partner's route is not touched here: it switches through the
 * old instance, so messages on their way there are not overtaken. The session's name, or nothing.
 */
export const TAKE_OVER = `
local k, sid, shown, inst, tok = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local u = redis.call('HMGET', U(k), 'name', 'inst', 'sid', 'tok')
if not u[1] or u[3] ~= sid or u[4] == '' or u[4] ~= shown or u[2] == inst then return reply({}) end
redis.call('HSET', U(k), 'inst', inst, 'tok', tok)
redis.call('SMOVE', MEMBERS(u[2]), MEMBERS(inst), k)
redis.call('HINCRBY', U(k), 'cv', 1)
note(k)
return reply({ name = u[1] })
`;

/**
 * ARGV: P, key, inst, sid, availability. What a session of this instance says about taking calls,
 * kept in the user's entry ('av', absent for available): released with the name, kept by `REPLACE`
 * and `TAKE_OVER`. 1, or 0 when that session no longer holds the name.
 */
export const SET_AVAILABILITY = `
local k, inst, sid, av = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if not owns(k, inst, sid) then return 0 end
if av == 'available' then redis.call('HDEL', U(k), 'av') else redis.call('HSET', U(k), 'av', av) end
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
