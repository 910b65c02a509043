/**
 * What every script starts with: key names, Redis' own clock, and the few steps several decisions
 * share. Scripts run atomically in Redis, so each is one whole decision across instances: no other
 * instance's step can land between a check and the change it allows.
 *
 * ARGV[1] is always the key prefix. Keys are computed inside the scripts (a call's parties are
 * read from the call), which a single Redis (or one with replicas/Sentinel) allows and Redis
 * Cluster does not: see docs/scaling.md.
 *
 * Every script that changes a user's call bumps that user's `cv` (call version) and `note`s the
 * user: the reply lists, per user, what the instance holding the user must now believe about its
 * call, so instances keep a cache that candidates are checked against without a round trip; the
 * version lets a late update never overwrite a newer one.
 */
export const PRELUDE = `
local P = ARGV[1]
local INSTANCES = P .. 'instances'
local ONLINE = P .. 'online'
local NAMES = P .. 'names'
local RINGS = P .. 'rings'
local function U(k) return P .. 'u:' .. k end
local function C(id) return P .. 'c:' .. id end
local function J(id) return P .. 'j:' .. id end
local function MEMBERS(inst) return P .. 'i:' .. inst end

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local updates = {}
local function reply(result)
  result.updates = updates
  return cjson.encode(result)
end

local function route(k)
  local u = redis.call('HMGET', U(k), 'name', 'inst', 'sid')
  if not u[1] then return nil end
  return { key = k, name = u[1], inst = u[2], sid = u[3] }
end

-- A decision taken for a session of this instance (inst, sid), which must still hold the name;
-- sid '' for any session of inst; inst '' (tests, tools) only needs the name to be held.
local function owns(k, inst, sid)
  local u = redis.call('HMGET', U(k), 'inst', 'sid')
  if not u[1] then return false end
  if inst == '' then return true end
  return u[1] == inst and (sid == '' or u[2] == sid)
end

local function note(k)
  local u = redis.call('HMGET', U(k), 'inst', 'sid', 'cv', 'call')
  if not u[1] then return end
  local view = { key = k, inst = u[1], sid = u[2], cv = tonumber(u[3]) }
  if u[4] then
    local c = redis.call('HMGET', C(u[4]), 'ck', 'ek', 'caller', 'callee', 'state')
    if c[1] then
      local pk, pn = c[2], c[4]
      if c[2] == k then pk, pn = c[1], c[3] end
      local p = redis.call('HMGET', U(pk), 'inst', 'sid')
      view.call = { id = u[4], peerKey = pk, peerName = pn, peerInst = p[1], peerSid = p[2], state = c[5] }
    end
  end
  table.insert(updates, view)
end

local function set_call(k, id)
  if id then redis.call('HSET', U(k), 'call', id) else redis.call('HDEL', U(k), 'call') end
  redis.call('HINCRBY', U(k), 'cv', 1)
end

local function drop_claim(k)
  local id = redis.call('HGET', U(k), 'rj')
  if not id then return end
  redis.call('HDEL', U(k), 'rj')
  if redis.call('HGET', J(id), 'claimant') == k then redis.call('DEL', J(id)) end
end

local function start_call(id, ck, ek, caller, callee, state)
  drop_claim(ck)
  drop_claim(ek)
  redis.call('HSET', C(id), 'ck', ck, 'ek', ek, 'caller', caller, 'callee', callee, 'state', state, 'awc', '0', 'awe', '0')
  set_call(ck, id)
  set_call(ek, id)
end

-- Ends call id (both parties freed and noted); its fields {ck, ek, caller, callee, state}, or nil.
local function end_call(id)
  local c = redis.call('HMGET', C(id), 'ck', 'ek', 'caller', 'callee', 'state')
  if not c[1] then return nil end
  redis.call('DEL', C(id))
  redis.call('ZREM', RINGS, id)
  for _, k in ipairs({ c[1], c[2] }) do
    if redis.call('HGET', U(k), 'call') == id then
      set_call(k, false)
      note(k)
    end
  end
  return c
end

-- The call k shares with pk: its id and fields; 'stale' when given names another call.
local function call_between(k, pk, given)
  local id = redis.call('HGET', U(k), 'call')
  if given ~= '' and id ~= given then return 'stale' end
  if not id or k == pk then return nil end
  local c = redis.call('HMGET', C(id), 'ck', 'ek', 'caller', 'callee', 'state', 'awc', 'awe')
  if c[1] ~= pk and c[2] ~= pk then return nil end
  return id, c
end

-- Forgets user k entirely (claim, presence, directory); its call must have ended first.
local function forget(k, name, inst)
  drop_claim(k)
  redis.call('DEL', U(k))
  redis.call('SREM', MEMBERS(inst), k)
  redis.call('ZREM', ONLINE, k)
  redis.call('ZREM', NAMES, k .. ' ' .. name)
end
`;
