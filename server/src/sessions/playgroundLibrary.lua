#!lua name=playground

--[[
The session-manager module (a Rust module with a custom hashmap, SESSION.* and CUSTOM.*), as a
Valkey Functions library. The proxy loads it at start; sandbox users may call it (FCALL runs in
their own database, as their own ACL user) but never load, replace or delete libraries.

Everything lives in the caller's keys, so each sandbox has its own sessions:
  custom:map            hash   user key -> session id        (the module's custom hashmap)
  session:<id>          hash   id, user_key, created_at, last_accessed
  session:<id>:data     hash   the session's own key/value data
  sessions              set    every session id              (for SESSION.LIST)

Replies copy the module's: simple strings for CREATE and ADD_DATA, errors without an ERR prefix,
GET's JSON in the module's field order. Timestamps are RFC 3339 in UTC with the fraction trimmed
as chrono prints it (none, 3 or 6 digits; Valkey's TIME has microseconds): GET ends them with Z,
LIST with +00:00, as the module's two chrono calls do.

Two functions read a key they were not given in KEYS (CREATE of a key that already has a session,
and LIST). That works on a standalone server, which the playground is; on a cluster it would not,
and the missions say so.
]]

local function now_rfc3339()
  local t = server.call('TIME')
  local secs, micros = tonumber(t[1]), tonumber(t[2])
  -- Days since 1970-01-01 to a civil date (the proleptic Gregorian calendar).
  local days = math.floor(secs / 86400)
  local rest = secs - days * 86400
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local day = doy - math.floor((153 * mp + 2) / 5) + 1
  local month = mp < 10 and mp + 3 or mp - 9
  local year = yoe + era * 400 + (month <= 2 and 1 or 0)
  local fraction = ''
  if micros % 1000 ~= 0 then
    fraction = string.format('.%06d', micros)
  elseif micros ~= 0 then
    fraction = string.format('.%03d', math.floor(micros / 1000))
  end
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d%sZ', year, month, day,
    math.floor(rest / 3600), math.floor(rest % 3600 / 60), rest % 60, fraction)
end

-- A JSON string as serde_json writes it: quotes, backslashes and control characters escaped,
-- everything else (UTF-8 included) as it is.
local SHORT = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
local function json_string(s)
  return '"' .. string.gsub(s, '[%z\1-\31"\\]', function(c)
    return SHORT[c] or string.format('\\u%04x', string.byte(c))
  end) .. '"'
end

local function make_session(meta, index, id, user_key)
  local stamp = now_rfc3339()
  server.call('HSET', meta, 'id', id, 'user_key', user_key, 'created_at', stamp, 'last_accessed', stamp)
  server.call('SADD', index, id)
end

-- KEYS: custom:map, sessions, session:<new>    ARGV: user key, new id (made by the proxy, a UUID v4)
local function session_create(keys, args)
  local map, index, meta = keys[1], keys[2], keys[3]
  local user_key, new_id = args[1], args[2]
  local existing = server.call('HGET', map, user_key)
  if not existing then
    make_session(meta, index, new_id, user_key)
    server.call('HSET', map, user_key, new_id)
    return server.status_reply('Session created: ' .. new_id)
  end
  local existing_meta = 'session:' .. existing
  if server.call('EXISTS', existing_meta) == 1 then
    server.call('HSET', existing_meta, 'last_accessed', now_rfc3339())
    return server.status_reply('Session exists: ' .. existing)
  end
  -- The map names a session that is gone (someone used CUSTOM.SET): made again under that id.
  make_session(existing_meta, index, existing, user_key)
  return server.status_reply('Session recreated: ' .. existing)
end

-- KEYS: session:<id>, session:<id>:data    ARGV: id
local function session_get(keys, args)
  local meta = server.call('HMGET', keys[1], 'id', 'user_key', 'created_at', 'last_accessed')
  if not meta[1] then return false end
  local data = server.call('HGETALL', keys[2])
  local pairs_json = {}
  for i = 1, #data, 2 do
    pairs_json[#pairs_json + 1] = json_string(data[i]) .. ':' .. json_string(data[i + 1])
  end
  return '{"id":' .. json_string(meta[1]) .. ',"user_key":' .. json_string(meta[2]) ..
    ',"created_at":' .. json_string(meta[3]) .. ',"last_accessed":' .. json_string(meta[4]) ..
    ',"data":{' .. table.concat(pairs_json, ',') .. '}}'
end

-- KEYS: sessions
local function session_list(keys)
  local lines = {}
  for _, id in ipairs(server.call('SMEMBERS', keys[1])) do
    local meta = server.call('HMGET', 'session:' .. id, 'user_key', 'created_at')
    if meta[1] then
      local created = string.gsub(meta[2] or '', 'Z$', '+00:00')
      lines[#lines + 1] = 'ID: ' .. id .. ', Key: ' .. meta[1] .. ', Created: ' .. created
    end
  end
  return lines
end

-- KEYS: session:<id>, session:<id>:data, custom:map, sessions    ARGV: id
local function session_delete(keys, args)
  local user_key = server.call('HGET', keys[1], 'user_key')
  if not user_key then return 0 end
  server.call('DEL', keys[1], keys[2])
  server.call('HDEL', keys[3], user_key)
  server.call('SREM', keys[4], args[1])
  return 1
end

local function not_found(id)
  return server.error_reply('Session not found: ' .. id)
end

-- KEYS: session:<id>, session:<id>:data    ARGV: id, key, value
local function session_add_data(keys, args)
  if server.call('EXISTS', keys[1]) == 0 then return not_found(args[1]) end
  server.call('HSET', keys[2], args[2], args[3])
  server.call('HSET', keys[1], 'last_accessed', now_rfc3339())
  return server.status_reply('OK')
end

-- KEYS: session:<id>, session:<id>:data    ARGV: id, key
-- It writes (last_accessed), so it is an FCALL; the module declares it read-only although it writes.
local function session_get_data(keys, args)
  if server.call('EXISTS', keys[1]) == 0 then return not_found(args[1]) end
  server.call('HSET', keys[1], 'last_accessed', now_rfc3339())
  return server.call('HGET', keys[2], args[2])
end

-- The custom hashmap. KEYS: custom:map
local function custom_set(keys, args)
  server.call('HSET', keys[1], args[1], args[2])
  return server.status_reply('OK')
end
local function custom_get(keys, args) return server.call('HGET', keys[1], args[1]) end
local function custom_del(keys, args) return server.call('HDEL', keys[1], args[1]) end
local function custom_keys(keys) return server.call('HKEYS', keys[1]) end

local function register(name, callback, read_only)
  server.register_function{ function_name = name, callback = callback, flags = read_only and { 'no-writes' } or {} }
end
register('session_create', session_create)
register('session_get', session_get, true)
register('session_list', session_list, true)
register('session_delete', session_delete)
register('session_add_data', session_add_data)
register('session_get_data', session_get_data)
register('custom_set', custom_set)
register('custom_get', custom_get, true)
register('custom_del', custom_del)
register('custom_keys', custom_keys, true)
