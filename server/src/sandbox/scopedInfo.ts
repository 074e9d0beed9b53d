/**
 * @module INFO as one sandbox may see it.
 *
 * INFO is server-wide. Three sections aggregate every client's commands
 * (commandstats, errorstats, latencystats) and some lines are per database
 * (Keyspace `db7:keys=...`, keysizes `db7_distrib_...`); those would tell one
 * attendee what others are doing, so they are removed. Everything else
 * (server, memory, stats totals) is shared context, not another's data.
 */

const HIDDEN_SECTIONS = new Set(['commandstats', 'errorstats', 'latencystats'])

export function scopeInfo(text: string, db: number): string {
  const lines = text.split('\r\n')
  const out: string[] = []
  let hidden = false
  for (const line of lines) {
    if (line.startsWith('# ')) {
      hidden = HIDDEN_SECTIONS.has(line.slice(2).trim().toLowerCase())
      if (!hidden) out.push(line)
      continue
    }
    if (hidden) continue
    const perDb = /^db(\d+)[:_]/.exec(line)
    if (perDb && Number(perDb[1]) !== db) continue
    out.push(line)
  }
  // Drop a trailing empty section left by the filtering ("# Errorstats" removed
  // leaves nothing; a kept header with no lines is fine, valkey prints those).
  return out.join('\r\n').replace(/(\r\n){3,}/g, '\r\n\r\n')
}
