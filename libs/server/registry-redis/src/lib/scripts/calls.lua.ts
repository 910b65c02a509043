/**
 * Calls: one script per call event of `CALL_TABLE` (`@duet/server/signaling`, `call-table.ts`),
 * which says what each decides in each situation (`leave` is RELEASE, in users.lua.ts);
 * `describeCallTableContract` walks every row of it against these scripts on a real Redis. A call is a hash
 * `c:<id>` {ck, ek (party keys), caller, callee (names), state, awc/awe ('1' while the caller /
 * callee holds an offer it has not answered)}, and each party's `call` field points at it.
 * Arguments `given` (a callId the client named) and `peer` are '' when absent; `inst`/`sid` name
 * the acting session (see `owns`).
 */

/** ARGV: P, caller key, callee key, given, new id, ring ms, inst, sid. */
export const OFFER = `
local ck, ek, given, newId, ringMs, inst, sid = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
if not owns(ck, inst, sid) then return reply({ outcome = 'not-owner' }) end
local cc = redis.call('HGET', U(ck), 'call')
if given ~= '' and cc ~= given then return reply({ outcome = 'stale' }) end
local target = route(ek)
if cc then
  local c = redis.call('HMGET', C(cc), 'ck', 'ek', 'state', 'awc', 'awe')
  if not target or (c[1] ~= ek and c[2] ~= ek) then return reply({ outcome = 'caller-busy' }) end
  local flag, held = 'awe', c[5]
  if c[1] == ek then flag, held = 'awc', c[4] end
  -- While it rings, one offer each way (the call's, and the callee's in glare) is all that helps.
  if c[3] == 'ringing' and held == '1' then return reply({ outcome = 'offer-pending' }) end
  redis.call('HSET', C(cc), flag, '1')
  return reply({ outcome = 'in-call', callId = cc, callee = target })
end
if redis.call('HEXISTS', U(ek), 'call') == 1 then return reply({ outcome = 'callee-busy' }) end
if not target then return reply({ outcome = 'callee-offline' }) end
start_call(newId, ck, ek, redis.call('HGET', U(ck), 'name'), target.name, 'ringing')
redis.call('HSET', C(newId), 'awe', '1')
-- Armed with the call itself: no instance can die between starting a call and arming its timeout.
redis.call('ZADD', RINGS, now_ms() + tonumber(ringMs), newId)
note(ck)
note(ek)
return reply({ outcome = 'ringing', callId = newId, callee = target })
`;

/** ARGV: P, key, peer key, given, inst, sid. */
export const ACCEPT = `
local k, pk, given, inst, sid = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if not owns(k, inst, sid) then return reply({ outcome = 'not-owner' }) end
local id, c = call_between(k, pk, given)
if id == 'stale' then return reply({ outcome = 'stale' }) end
local target = route(pk)
if not id or not target then return reply({ outcome = 'not-in-call' }) end
local held = c[7]
if c[1] == k then held = c[6] end
if held ~= '1' then return reply({ outcome = 'no-offer' }) end
-- Answering leaves the answerer stable: any offer of its own was rolled back.
redis.call('HSET', C(id), 'awc', '0', 'awe', '0', 'state', 'active')
redis.call('ZREM', RINGS, id)
for _, party in ipairs({ k, pk }) do
  redis.call('HINCRBY', U(party), 'cv', 1)
  note(party)
end
return reply({ outcome = 'accepted', callId = id, peer = target })
`;

/** ARGV: P, key, peer key, given. The gate for candidates, for a user whose call is not cached here. */
export const PARTNER = `
local k, pk, given = ARGV[2], ARGV[3], ARGV[4]
local id = call_between(k, pk, given)
if id == 'stale' then return reply({ outcome = 'stale' }) end
local target = route(pk)
if not id or not target then return reply({ outcome = 'not-in-call' }) end
return reply({ outcome = 'in-call', callId = id, peer = target })
`;

/** ARGV: P, key, peer key, given, inst, sid. */
export const HANG_UP = `
local k, pk, given, inst, sid = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if not owns(k, inst, sid) then return reply({ outcome = 'not-owner' }) end
local id = redis.call('HGET', U(k), 'call')
if given ~= '' and id ~= given then return reply({ outcome = 'stale' }) end
if not id then return reply({ outcome = 'not-in-call' }) end
local c = redis.call('HMGET', C(id), 'ck', 'ek')
if pk ~= '' and c[1] ~= pk and c[2] ~= pk then return reply({ outcome = 'not-in-call' }) end
local ended = end_call(id)
if not ended then return reply({ outcome = 'not-in-call' }) end
local peer = ended[3]
if ended[1] == k then peer = ended[4] end
return reply({ outcome = 'ended', callId = id, peer = peer })
`;

/** ARGV: P, callee key, caller key, given, inst, sid. */
export const DECLINE = `
local k, pk, given, inst, sid = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if not owns(k, inst, sid) then return reply({ outcome = 'not-owner' }) end
local id, c = call_between(k, pk, given)
if id == 'stale' then return reply({ outcome = 'stale' }) end
if not id or c[5] ~= 'ringing' or c[2] ~= k then return reply({ outcome = 'not-ringing' }) end
end_call(id)
return reply({ outcome = 'declined', callId = id })
`;

/** ARGV: P, call id. Ends the call if it still rings; its parties' names. */
export const EXPIRE = `
local id = ARGV[2]
local c = redis.call('HMGET', C(id), 'state', 'caller', 'callee')
if c[1] ~= 'ringing' then
  redis.call('ZREM', RINGS, id)
  return reply({})
end
end_call(id)
return reply({ caller = c[2], callee = c[3] })
`;

/**
 * ARGV: P, limit, retry ms. Ring timeouts that are due, claimed by this instance: each is pushed
 * back by `retry ms` rather than removed, so if this instance dies before expiring it another one
 * picks it up then. Expiring (EXPIRE) removes it; only one expiry can find the call still ringing.
 */
export const DUE_RINGS = `
local limit, retry = tonumber(ARGV[2]), tonumber(ARGV[3])
local now = now_ms()
local due = redis.call('ZRANGEBYSCORE', RINGS, '-inf', now, 'LIMIT', 0, limit)
for _, id in ipairs(due) do redis.call('ZADD', RINGS, now + retry, id) end
return due
`;

/** ARGV: P, key. The user's call: id, the other party's name, state; or nothing. */
export const CALL_OF = `
local k = ARGV[2]
local id = redis.call('HGET', U(k), 'call')
if not id then return false end
local c = redis.call('HMGET', C(id), 'ck', 'caller', 'callee', 'state')
if not c[1] then return false end
local peer = c[2]
if c[1] == k then peer = c[3] end
return cjson.encode({ callId = id, peer = peer, state = c[4] })
`;

/** ARGV: P, key, peer key, call id, inst, sid. A claim to a call lost in a restart (see `rejoin`). */
export const REJOIN = `
local k, pk, id, inst, sid = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if not owns(k, inst, sid) then return reply({ outcome = 'refused' }) end
if k == pk or redis.call('HEXISTS', U(k), 'call') == 1 or redis.call('EXISTS', C(id)) == 1 then
  return reply({ outcome = 'refused' })
end
local theirs = redis.call('HMGET', J(id), 'claimant', 'peer')
if theirs[1] and theirs[1] ~= k then
  local target = route(pk)
  if theirs[1] ~= pk or theirs[2] ~= k or not target or redis.call('HEXISTS', U(pk), 'call') == 1 then
    return reply({ outcome = 'refused' })
  end
  start_call(id, pk, k, target.name, redis.call('HGET', U(k), 'name'), 'active')
  note(pk)
  note(k)
  return reply({ outcome = 'restored', peer = target })
end
-- A peer already online may still be between its login and its claim: wait for it either way.
drop_claim(k)
redis.call('HSET', J(id), 'claimant', k, 'peer', pk)
redis.call('HSET', U(k), 'rj', id)
return reply({ outcome = 'waiting' })
`;

/** ARGV: P, key, call id. Drops the user's claim if it still waits; 1 when it did. */
export const ABANDON_CLAIM = `
local k, id = ARGV[2], ARGV[3]
if redis.call('HGET', U(k), 'rj') ~= id then return 0 end
drop_claim(k)
return 1
`;
