/**
 * @module The sandbox directory's Lua scripts: each decision that two processes could race on is
 * one script, so Valkey runs it whole before or after any other process's.
 *
 * Records are split for the scripts: `playground:sandboxes` keeps the JSON record by token hash
 * (the format earlier versions wrote, read back at start), `playground:sandbox:<number>` the fields
 * scripts test and change (token, address, seen, used), `playground:claims:<server>` which
 * database of that server is taken and by what. JSON is written by string concatenation and read
 * only for its leading `"db":<n>`, never with cjson (see controlCall.ts).
 */
import { SERVER_STRIDE } from '../pool/sandboxNumber.ts'
import { luaScript } from './controlCall.ts'
import { RECOVERING } from './ControlLink.ts'
import {
  ADDRESS_PREFIX,
  CLAIMS_PREFIX,
  LIVE_PREFIX,
  PROCESS_PREFIX,
  PROCESSES,
  RELEASED,
  SANDBOX_PREFIX,
  SANDBOXES,
  SWEEP_LOCK,
} from './keys.ts'

const PRELUDE = `
local STRIDE = ${SERVER_STRIDE}
local function claimsKey(n) return '${CLAIMS_PREFIX}' .. math.floor(tonumber(n) / STRIDE) end
local function dbOf(n) return tostring(tonumber(n) % STRIDE) end
local function numberIn(json) return string.match(json, '^{"db":(%d+)') end
-- Whether any process whose heartbeat is fresh has the sandbox live; drops stale processes' sets.
local function liveAnywhere(n)
  local live = false
  for _, id in ipairs(redis.call('SMEMBERS', '${PROCESSES}')) do
    if redis.call('EXISTS', '${PROCESS_PREFIX}' .. id) == 0 then
      redis.call('SREM', '${PROCESSES}', id)
      redis.call('DEL', '${LIVE_PREFIX}' .. id)
    elseif not live and redis.call('SISMEMBER', '${LIVE_PREFIX}' .. id, n) == 1 then
      live = true
    end
  end
  return live
end
-- Everything a sandbox's record holds except its claim.
local function dropRecord(n, th)
  local state = '${SANDBOX_PREFIX}' .. n
  local address = redis.call('HGET', state, 'address')
  if address and address ~= '' then redis.call('SREM', '${ADDRESS_PREFIX}' .. address, n) end
  redis.call('DEL', state)
  redis.call('HDEL', '${SANDBOXES}', th)
end
local function remember(th, now, most)
  redis.call('ZADD', '${RELEASED}', now, th)
  local extra = redis.call('ZCARD', '${RELEASED}') - tonumber(most)
  if extra > 0 then redis.call('ZREMRANGEBYRANK', '${RELEASED}', 0, extra - 1) end
end
local function opened(me, n, now)
  redis.call('SADD', '${LIVE_PREFIX}' .. me, n)
  redis.call('HSET', '${SANDBOX_PREFIX}' .. n, 'seen', now)
  return {'resumed', n, redis.call('HGET', '${SANDBOXES}', redis.call('HGET', '${SANDBOX_PREFIX}' .. n, 'token')),
    redis.call('HGET', '${SANDBOX_PREFIX}' .. n, 'used') or '0', '0'}
end
-- The sandbox a token holds now, or nil.
local function held(th)
  local json = redis.call('HGET', '${SANDBOXES}', th)
  if not json then return nil end
  local n = numberIn(json)
  if n and redis.call('HGET', '${SANDBOX_PREFIX}' .. n, 'token') == th then return n end
  return nil
end
`

const script = (body: string) => luaScript(PRELUDE + body)

/**
 * ARGV: me, tokenHash, now. Reply: {'resumed', n, json, used, '0'} and the sandbox is live for
 * `me`; or {'unknown', released} where released is '1' when the token was released unused.
 */
export const RESUME = script(`
local me, th, now = ARGV[1], ARGV[2], ARGV[3]
local n = held(th)
if n then return opened(me, n, now) end
return {'unknown', redis.call('ZSCORE', '${RELEASED}', th) and '1' or '0'}
`)

/**
 * ARGV: me, presented token hash (or ''), fresh token hash, address, per-address limit (or ''),
 * now, address as JSON, number of servers, then per server: index, number of ranges, then
 * lo, hi of each range of candidate databases. Replies {'resumed', ...} when the presented token
 * holds a sandbox after all (another process made it meanwhile), {'claimed', n, json, '0', returning},
 * {'address-limit'}, {'full'} or {'recovering'}.
 */
export const CLAIM = script(`
local me, presented, fresh, address, limit, now, addressJson = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
if redis.call('EXISTS', '${RECOVERING}') == 1 then return {'recovering'} end
if presented ~= '' then
  local n = held(presented)
  if n then return opened(me, n, now) end
end
if address ~= '' and limit ~= '' and redis.call('SCARD', '${ADDRESS_PREFIX}' .. address) >= tonumber(limit) then
  return {'address-limit'}
end
local servers, at = {}, 9
for s = 1, tonumber(ARGV[8]) do
  local index, count = tonumber(ARGV[at]), tonumber(ARGV[at + 1])
  local ranges = {}
  for r = 1, count do ranges[r] = {tonumber(ARGV[at + 2 * r]), tonumber(ARGV[at + 2 * r + 1])} end
  at = at + 2 + 2 * count
  servers[s] = {index = index, fill = redis.call('HLEN', '${CLAIMS_PREFIX}' .. index), ranges = ranges}
end
table.sort(servers, function(a, b)
  if a.fill ~= b.fill then return a.fill < b.fill end
  return a.index < b.index
end)
for _, server in ipairs(servers) do
  local key = '${CLAIMS_PREFIX}' .. server.index
  for _, range in ipairs(server.ranges) do
    for db = range[1], range[2] do
      if redis.call('HEXISTS', key, db) == 0 then
        local returning = presented ~= '' and redis.call('ZREM', '${RELEASED}', presented) == 1
        local th = fresh
        if returning then th = presented end
        local n = tostring(server.index * STRIDE + db)
        local json = '{"db":' .. n .. ',"tokenHash":"' .. th .. '","createdAt":' .. now .. ',"lastSeenAt":' .. now ..
          ',"address":' .. addressJson .. ',"used":false}'
        redis.call('HSET', key, db, th)
        redis.call('HSET', '${SANDBOXES}', th, json)
        local state = '${SANDBOX_PREFIX}' .. n
        redis.call('DEL', state)
        redis.call('HSET', state, 'token', th, 'address', address, 'seen', now, 'created', now)
        if address ~= '' then redis.call('SADD', '${ADDRESS_PREFIX}' .. address, n) end
        redis.call('SADD', '${LIVE_PREFIX}' .. me, n)
        return {'claimed', n, json, '0', returning and '1' or '0'}
      end
    end
  end
end
return {'full'}
`)

/** ARGV: me, n, now. This process has no connection to the sandbox any more. */
export const LEAVE = script(`
local me, n, now = ARGV[1], ARGV[2], ARGV[3]
redis.call('SREM', '${LIVE_PREFIX}' .. me, n)
if redis.call('EXISTS', '${SANDBOX_PREFIX}' .. n) == 1 then redis.call('HSET', '${SANDBOX_PREFIX}' .. n, 'seen', now) end
return 1
`)

/**
 * ARGV: me, n, tokenHash, now, leaving ('1': drop n from me's live set first), onlyIfUnused,
 * remember (keep the token among the released), most remembered. Marks the sandbox recycling (its
 * claim stays, so nobody gets the number until finishRecycle) and drops its record, only if the
 * token still holds it, it is live nowhere, and (onlyIfUnused) nothing was ever stored. Replies
 * 'marked', 'gone', 'used' or 'live'.
 */
export const BEGIN_RECYCLE = script(`
local me, n, th, now, leaving, onlyIfUnused, rememberIt, most = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local state = '${SANDBOX_PREFIX}' .. n
if leaving == '1' then
  redis.call('SREM', '${LIVE_PREFIX}' .. me, n)
  if redis.call('EXISTS', state) == 1 then redis.call('HSET', state, 'seen', now) end
end
if redis.call('HGET', state, 'token') ~= th then return 'gone' end
if onlyIfUnused == '1' and redis.call('HGET', state, 'used') == '1' then return 'used' end
if liveAnywhere(n) then return 'live' end
redis.call('HSET', claimsKey(n), dbOf(n), 'recycling:' .. me)
dropRecord(n, th)
if rememberIt == '1' then remember(th, now, most) end
return 'marked'
`)

/** ARGV: me, n. Frees a number this process marked recycling (its database is flushed). Replies 1, or 0 if not ours. */
export const FINISH_RECYCLE = script(`
local me, n = ARGV[1], ARGV[2]
if redis.call('HGET', claimsKey(n), dbOf(n)) ~= 'recycling:' .. me then return 0 end
redis.call('HDEL', claimsKey(n), dbOf(n))
return 1
`)

/** ARGV: me, n. Takes over a recycling mark whose process is gone (stale), so this one finishes it. Replies 1 or 0. */
export const TAKE_OVER_RECYCLE = script(`
local me, n = ARGV[1], ARGV[2]
local mark = redis.call('HGET', claimsKey(n), dbOf(n))
if not mark or string.sub(mark, 1, 10) ~= 'recycling:' then return 0 end
local owner = string.sub(mark, 11)
if owner ~= me and redis.call('EXISTS', '${PROCESS_PREFIX}' .. owner) == 1 then return 0 end
redis.call('HSET', claimsKey(n), dbOf(n), 'recycling:' .. me)
return 1
`)

/** ARGV: n. Something was stored: from now on `used` stays set until the sandbox is released. */
export const MARK_USED = script(`
local state = '${SANDBOX_PREFIX}' .. ARGV[1]
if redis.call('EXISTS', state) == 0 then return 0 end
redis.call('HSET', state, 'used', '1')
return 1
`)

/** ARGV: n, now. */
export const TOUCH = script(`
local state = '${SANDBOX_PREFIX}' .. ARGV[1]
if redis.call('EXISTS', state) == 0 then return 0 end
redis.call('HSET', state, 'seen', ARGV[2])
return 1
`)

/**
 * ARGV: me, n, tokenHash (or ''), returning ('1': put the token back among the released), now, most.
 * The number's database holds data the playground did not put there: nobody gets it. With a token,
 * only if that token's claim still holds it (it was just claimed and found not empty).
 */
export const MARK_FOREIGN = script(`
local me, n, th, returning, now, most = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local key, db = claimsKey(n), dbOf(n)
local holder = redis.call('HGET', key, db)
if th ~= '' then
  if holder ~= th then return 0 end
  dropRecord(n, th)
  redis.call('SREM', '${LIVE_PREFIX}' .. me, n)
  if returning == '1' then remember(th, now, most) end
elseif holder then
  return 0
end
redis.call('HSET', key, db, 'foreign')
return 1
`)

/** ARGV: n. The database was emptied by someone: it may be handed out again. */
export const UNMARK_FOREIGN = script(`
local key, db = claimsKey(ARGV[1]), dbOf(ARGV[1])
if redis.call('HGET', key, db) ~= 'foreign' then return 0 end
redis.call('HDEL', key, db)
return 1
`)

/**
 * ARGV: me, n, tokenHash, address, createdAt, seen, used, json, live. Writes back a record this
 * process knows (after the control server lost it, or from an older version's hash): `used` and
 * `seen` only ever grow. A foreign mark gives way (its data is this record's); another token's
 * claim does not: 'conflict'. Replies 'adopted' or 'conflict'.
 */
export const ADOPT = script(`
local me, n, th, address, createdAt, seen, used, json, live = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local key, db = claimsKey(n), dbOf(n)
local holder = redis.call('HGET', key, db)
if holder and holder ~= th and holder ~= 'foreign' then return 'conflict' end
local existing = redis.call('HGET', '${SANDBOXES}', th)
if existing and numberIn(existing) ~= n then return 'conflict' end
redis.call('HSET', key, db, th)
if not existing then redis.call('HSET', '${SANDBOXES}', th, json) end
local state = '${SANDBOX_PREFIX}' .. n
if redis.call('HGET', state, 'token') ~= th then
  redis.call('DEL', state)
  redis.call('HSET', state, 'token', th, 'address', address, 'seen', seen, 'created', createdAt)
elseif tonumber(seen) > (tonumber(redis.call('HGET', state, 'seen')) or 0) then
  redis.call('HSET', state, 'seen', seen)
end
if used == '1' then redis.call('HSET', state, 'used', '1') end
if address ~= '' then redis.call('SADD', '${ADDRESS_PREFIX}' .. address, n) end
redis.call('ZREM', '${RELEASED}', th)
if live == '1' then redis.call('SADD', '${LIVE_PREFIX}' .. me, n) end
return 'adopted'
`)

/** ARGV: me, then the numbers live here. Replaces this process's live set in one step. */
export const REWRITE_LIVE = script(`
local key = '${LIVE_PREFIX}' .. ARGV[1]
redis.call('DEL', key)
for i = 2, #ARGV do redis.call('SADD', key, ARGV[i]) end
redis.call('SADD', '${PROCESSES}', ARGV[1])
return #ARGV - 1
`)

/** No ARGV. The numbers live in any process whose heartbeat is fresh (drops stale processes). */
export const LIVE_NUMBERS = script(`
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', '${PROCESSES}')) do
  if redis.call('EXISTS', '${PROCESS_PREFIX}' .. id) == 0 then
    redis.call('SREM', '${PROCESSES}', id)
    redis.call('DEL', '${LIVE_PREFIX}' .. id)
  else
    for _, n in ipairs(redis.call('SMEMBERS', '${LIVE_PREFIX}' .. id)) do out[#out + 1] = n end
  end
end
return out
`)

/** ARGV: me. Compare-and-delete of the sweep lock. */
export const RELEASE_LOCK = script(`
if redis.call('GET', '${SWEEP_LOCK}') == ARGV[1] then return redis.call('DEL', '${SWEEP_LOCK}') end
return 0
`)
