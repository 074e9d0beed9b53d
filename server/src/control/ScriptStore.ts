/**
 * @module Each sandbox's script book in the control Valkey (`playground:scripts:<number>`, with the
 * order of last use in `playground:scripts-order:<number>`), so a sandbox's page reconnecting to
 * another playground process still has its scripts (EVALSHA, SCRIPT EXISTS, SCRIPT SHOW).
 *
 * The book is bounded as in memory (the oldest go first): at most `maxScripts` scripts and
 * `maxBytes` of script text per sandbox; the byte total is kept in the field `#bytes` (not a SHA).
 * Writes are made behind the terminal's back (it answers from the process's cache): while the
 * control server is down they are lost, and written back from the cache when it returns empty.
 */
import { luaScript, runScript, controlCall } from './controlCall.ts'
import type { ControlLink } from './ControlLink.ts'
import { SCRIPTS_ORDER_PREFIX, SCRIPTS_PREFIX } from './keys.ts'

const ADD = luaScript(`
local n, sha, body, most, maxBytes = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5])
local book, order = '${SCRIPTS_PREFIX}' .. n, '${SCRIPTS_ORDER_PREFIX}' .. n
local before = redis.call('HSTRLEN', book, sha)
redis.call('HSET', book, sha, body)
redis.call('HINCRBY', book, '#bytes', string.len(body) - before)
local t = redis.call('TIME')
redis.call('ZADD', order, tonumber(t[1]) * 1000000 + tonumber(t[2]), sha)
for _ = 1, most + 1 do
  if redis.call('ZCARD', order) <= most and tonumber(redis.call('HGET', book, '#bytes')) <= maxBytes then break end
  local oldest = redis.call('ZRANGE', order, 0, 0)[1]
  if not oldest or oldest == sha then break end
  redis.call('HINCRBY', book, '#bytes', -redis.call('HSTRLEN', book, oldest))
  redis.call('HDEL', book, oldest)
  redis.call('ZREM', order, oldest)
end
return 1
`)

export type StoredScript = { sha: string; body: string }

export class ScriptStore {
  constructor(
    readonly link: ControlLink,
    private readonly limits: { maxScripts: number; maxBytes: number }
  ) {}

  /** Records a script the sandbox ran or loaded (as its most recently used). */
  async add(number: number, sha: string, body: string): Promise<void> {
    await runScript(this.link.control, ADD, [number, sha, body, this.limits.maxScripts, this.limits.maxBytes])
  }

  /** The sandbox's scripts, least recently used first. */
  async read(number: number): Promise<StoredScript[]> {
    const [shas, flat] = await Promise.all([
      controlCall(this.link.control, 'zrange', SCRIPTS_ORDER_PREFIX + number, 0, -1) as Promise<string[]>,
      controlCall(this.link.control, 'hgetall', SCRIPTS_PREFIX + number) as Promise<string[]>,
    ])
    const bodies = new Map<string, string>()
    for (let i = 0; i + 1 < flat.length; i += 2) bodies.set(flat[i]!, flat[i + 1]!)
    return shas.flatMap((sha) => (bodies.has(sha) ? [{ sha, body: bodies.get(sha)! }] : []))
  }

  /** The sandbox changed hands: its book goes. */
  async drop(number: number): Promise<void> {
    await controlCall(this.link.control, 'del', SCRIPTS_PREFIX + number, SCRIPTS_ORDER_PREFIX + number)
  }
}
