/**
 * @module Readers for the server view's replies (issue 22, point 27): SLOWLOG GET, CLIENT LIST,
 * INFO and MEMORY STATS, into the plain shapes the page shows. Pure; a reply of the wrong shape
 * gives an empty result, never an exception.
 */
import type { ClientEntry, Reply, SlowlogEntry } from '../../../common/protocol/index.ts'
import { asList, asNumber, asText } from '../inspector/replyValues.ts'

/** INFO fields the view shows (a server that lacks one simply does not show it). */
export const INFO_FIELDS = [
  'redis_version',
  'valkey_version',
  'server_name',
  'redis_mode',
  'server_mode',
  'uptime_in_seconds',
  'connected_clients',
  'blocked_clients',
  'maxclients',
  'used_memory',
  'used_memory_human',
  'used_memory_peak_human',
  'used_memory_rss_human',
  'maxmemory_human',
  'maxmemory_policy',
  'mem_fragmentation_ratio',
  'total_commands_processed',
  'instantaneous_ops_per_sec',
  'keyspace_hits',
  'keyspace_misses',
  'expired_keys',
  'evicted_keys',
  'rejected_connections',
  'role',
] as const

/** SLOWLOG GET: id, Unix seconds, microseconds, the command's words, and (since 4.0) the client's address and name. */
export function parseSlowlog(reply: Reply): SlowlogEntry[] {
  return asList(reply).map((entry) => {
    const [id, at, micros, args, client, name] = asList(entry)
    return {
      id: asNumber(id) ?? 0,
      at: asNumber(at) ?? 0,
      micros: asNumber(micros) ?? 0,
      args: asList(args).map((word) => asText(word) ?? ''),
      client: asText(client) ?? '',
      name: asText(name) ?? '',
    }
  })
}

/** CLIENT LIST: one client a line, `field=value` separated by spaces; the first `max` lines. */
export function parseClientList(text: string, max: number): { list: ClientEntry[]; total: number } {
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  const list = lines.slice(0, max).map((line) => {
    const entry: ClientEntry = {}
    for (const word of line.trim().split(' ')) {
      const at = word.indexOf('=')
      if (at > 0) entry[word.slice(0, at)] = word.slice(at + 1)
    }
    return entry
  })
  return { list, total: lines.length }
}

/** INFO's `field:value` lines (sections and comments skipped), only the fields asked for. */
export function parseInfo(text: string, fields: readonly string[] = INFO_FIELDS): Record<string, string> {
  const wanted = new Set(fields)
  const info: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':')
    if (at <= 0 || line.startsWith('#')) continue
    const name = line.slice(0, at)
    if (wanted.has(name)) info[name] = line.slice(at + 1)
  }
  return info
}

/** MEMORY STATS: a flat name/value list; its numeric top-level entries (the per-database ones are nested and left out). */
export function parseMemoryStats(reply: Reply): Record<string, number> {
  const flat = asList(reply)
  const stats: Record<string, number> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = asText(flat[i])
    const value = flat[i + 1]!
    const number = value.t === 'int' ? Number(value.n) : value.t === 'bulk' || value.t === 'str' ? Number(value.s) : NaN
    if (name !== null && Number.isFinite(number)) stats[name] = number
  }
  return stats
}
