/**
 * @module The memory guard every sandbox script runs under, written in Lua.
 *
 * Valkey checks `maxmemory` in a script only before its first write; after that a script may
 * grow the server without bound (one loop of SETs filled 2 GB). The playground's quota has to
 * hold inside scripts too, so each script the proxy sends starts with this guard (on its first
 * line, see ScriptBook). It receives the sandbox's remaining quota as a last ARGV, which it takes
 * off again, and puts its own `server`/`redis` in front of the real ones:
 *
 * - every command that may grow memory (Valkey's own `denyoom` flag) adds the bytes of its
 *   arguments to an estimate of what the script added;
 * - when that estimate passes half the remaining quota, the guard measures what the script really
 *   added (MEMORY USAGE of each key it wrote, now and before its first write), and again each
 *   time the estimate has covered half of what is left (at least 64 KB), so allocator overhead
 *   the arguments do not show cannot carry a script far past the quota; a write is refused only
 *   when the real growth plus the write passes the quota;
 * - commands whose growth is not in their arguments (SETRANGE, SETBIT, COPY, the *STORE family,
 *   SORT ... STORE) are measured after they run.
 *
 * A refused write is an `OOM` error, as Valkey's own; the script's earlier writes stay, as after
 * any error in a script. `_G`, `loadstring` and `load` are shadowed too, since they would reach
 * the real `server` table; loading code is refused with an explanation. The internals live in a
 * function's scope, so the script cannot reach them by name. Limit: memory a script takes in Lua
 * itself (tables, strings it never writes) is not sandbox data and is not counted.
 */

/** Commands whose growth is measured after they run, and where their destination key is. */
const MEASURED_AFTER: Record<string, number | 'store'> = {
  setrange: 1,
  setbit: 1,
  bitfield: 1,
  bitop: 2,
  copy: 2,
  sunionstore: 1,
  sinterstore: 1,
  sdiffstore: 1,
  zunionstore: 1,
  zinterstore: 1,
  zdiffstore: 1,
  zrangestore: 1,
  geosearchstore: 1,
  lmove: 2,
  blmove: 2,
  rpoplpush: 2,
  brpoplpush: 2,
  smove: 2,
  pfmerge: 1,
  sort: 'store',
  georadius: 'store',
  georadiusbymember: 'store',
}

const luaString = (text: string) => `'${text.replace(/[^A-Za-z0-9 _.,;:()|/-]/g, '')}'`

/**
 * The guard as one line of Lua (so the script's own line numbers do not change).
 * `growing`: command names Valkey flags denyoom; `quotaMb`: the quota, for the message.
 */
export function scriptGuardLine(growing: Iterable<string>, quotaMb: number): string {
  const names = [...new Set([...growing].map((name) => name.toLowerCase()).filter((name) => /^[a-z_][a-z0-9_]*$/.test(name)))]
  const grow = names.map((name) => `${name}=true`).join(',')
  const after = Object.entries(MEASURED_AFTER)
    .map(([name, where]) => `${name}=${typeof where === 'number' ? where : "'store'"}`)
    .join(',')
  const refusal = luaString(
    `OOM the script stopped before a write that would take this sandbox past its memory quota of ${quotaMb} MB` +
      ' (its writes before this one were kept); free space with DEL, UNLINK or FLUSHDB'
  )
  const noLoad = luaString('loading code is not available in playground scripts: it would run outside the sandbox memory guard')
  const lua = `local server, redis, _G, loadstring, load = (function()
local real, realG = server, _G
local budget = tonumber(table.remove(ARGV)) or 0
local estimate, first, last, keys = 0, {}, {}, {}
local checkpoint = budget / 2
local grow = {${grow}}
local after = {${after}}
local function usage(key) return tonumber(real.call('MEMORY', 'USAGE', key)) or 0 end
local function dest(name, a)
local at = after[name]
if at == 'store' then for i = 2, #a - 1 do local w = string.lower(tostring(a[i])) if w == 'store' or w == 'storedist' then return a[i + 1] end end return nil end
return a[(at or 1) + 1]
end
local function track(key) if first[key] == nil then first[key] = usage(key) last[key] = first[key] keys[#keys + 1] = key end end
local function measure() local total = 0 for _, key in ipairs(keys) do local now = usage(key) last[key] = now total = total + now - first[key] end return total end
local function check(name, a)
if not grow[name] then return nil end
local key = dest(name, a)
if key ~= nil then key = tostring(key) track(key) end
if name == 'mset' or name == 'msetnx' then for i = 4, #a, 2 do track(tostring(a[i])) end end
local bytes = 0
for i = 2, #a do bytes = bytes + #tostring(a[i]) end
estimate = estimate + bytes
if estimate > checkpoint then
estimate = measure() + bytes
if estimate > budget then return {err = ${refusal}} end
checkpoint = estimate + math.max((budget - estimate) / 2, 65536)
end
return nil, key
end
local function settle(name, key) if after[name] and key ~= nil then local now = usage(key) estimate = estimate + now - last[key] last[key] = now end end
local function guardedPcall(...)
local a = {...}
local name = string.lower(tostring(a[1]))
local refused, key = check(name, a)
if refused then return refused end
local result = real.pcall(...)
settle(name, key)
return result
end
local dead, wrapped = true, nil
local function body(...)
local a = {n = select('#', ...), ...}
while true do
local name = string.lower(tostring(a[1]))
local refused, key = check(name, a)
if refused then dead = true error(refused, 0) end
local ok, result = pcall(real.call, unpack(a, 1, a.n))
if not ok then dead = true if type(result) ~= 'table' then result = {err = tostring(result)} end error(result, 0) end
settle(name, key)
a = (function(...) return {n = select('#', ...), ...} end)(coroutine.yield(result))
end
end
local function call() if dead then dead = false wrapped = coroutine.wrap(body) end return wrapped end
local box = setmetatable({pcall = guardedPcall}, {__index = function(_, k) if k == 'call' then return call() end return real[k] end, __newindex = function(_, k, v) real[k] = v end, __metatable = false})
local globals = setmetatable({server = box, redis = box}, {__index = function(_, k) return realG[k] end, __newindex = function(_, k, v) realG[k] = v end, __metatable = false})
local function refuse() return nil, ${noLoad} end
return box, box, globals, refuse, refuse
end)()`
  return lua.replace(/\n/g, ' ') + ' '
}
