/**
 * @module A search for a text across the values of many keys (issue 22, point 26): "which session
 * is Ada's?" without an EVAL_RO loop typed by hand.
 *
 * It walks the keys matching a pattern with SCAN (never KEYS), reads each key's type, and searches
 * its value the way the page shows values (valueContains): a string's first STRING_BYTES, and a
 * hash, list, set, sorted set or stream in pages (HSCAN, LRANGE, SSCAN, ZSCAN, XRANGE) of at most
 * PAGE elements, up to ELEMENTS_PER_KEY elements a key (a key larger than that is searched only
 * that far, and counted in `partialKeys`). Each key gives at most one match: the first part found.
 *
 * Bounds: it ends after `maxMatches` matching keys, after `maxKeys` keys read, after SCAN_CALLS
 * SCAN calls (a pattern matching few keys of a huge database), or when `stopped()` turns true
 * (checked between every round trip). Its reads are many short commands, never one long one, so
 * the server's other clients wait for none of them; they run on a connection of their own.
 */
import { valueText } from '../../../common/cli/valueText.ts'
import type { KeySearchMatch, KeySearchMessage, Reply } from '../../../common/protocol/index.ts'
import { asList, asText } from './replyValues.ts'

export type Send = (args: string[]) => Promise<Reply>
export type KeySearchLimits = { maxMatches: number; maxKeys: number }
export type KeySearchProgress = Omit<KeySearchMessage, 'type' | 'id'>

/** SCAN's COUNT hint: keys the server looks at per call. */
const SCAN_COUNT = 500
/** At most this many SCAN calls (SCAN_COUNT each: a million keys looked at) per search. */
const SCAN_CALLS = 2000
/** Keys read at once (their reads are pipelined on the one connection). */
const KEYS_AT_ONCE = 16
/** A string's first bytes searched. */
export const STRING_BYTES = 1 << 20
/** Elements asked for per page of a collection. */
const PAGE = 500
/** Elements searched per key at most. */
export const ELEMENTS_PER_KEY = 10_000
/** Progress goes to the page at most this often (a final message always). */
const REPORT_EVERY_MS = 150
/** Characters of context shown around the first match. */
const CONTEXT = 50

type KeyResult = { match: KeySearchMatch | null; partial: boolean }

/** The value's text around the first place it contains `needle` (lower case), or null. */
export function previewOf(value: string, needle: string): string | null {
  const text = valueText(value).text
  const at = text.toLowerCase().indexOf(needle)
  if (at < 0) return null
  const start = Math.max(0, at - CONTEXT)
  const end = Math.min(text.length, at + needle.length + CONTEXT)
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`
}

const found = (key: string, type: string, where: string | null, preview: string): KeyResult => ({
  match: { key, type, where, preview },
  partial: false,
})

/** Walks a SCAN-like cursor command (HSCAN, SSCAN, ZSCAN) in pages; pairs: elements come two by two. */
async function scanCollection(send: Send, command: string, key: string, type: string, needle: string, pairs: boolean): Promise<KeyResult> {
  let cursor = '0'
  let seen = 0
  do {
    const reply = await send([command, key, cursor, 'COUNT', String(PAGE)])
    if (reply.t === 'err') return { match: null, partial: false }
    cursor = asText(asList(reply)[0]) ?? '0'
    const flat = asList(asList(reply)[1]).map((element) => asText(element) ?? '')
    for (let i = 0; i < flat.length; i += pairs ? 2 : 1) {
      // Hash: field, value. Sorted set: member, score (the member is what is searched).
      const value = command === 'HSCAN' ? flat[i + 1]! : flat[i]!
      const preview = previewOf(value, needle)
      if (preview !== null) return found(key, type, command === 'HSCAN' ? flat[i]! : command === 'ZSCAN' ? flat[i + 1]! : null, preview)
    }
    seen += pairs ? flat.length / 2 : flat.length
  } while (cursor !== '0' && seen < ELEMENTS_PER_KEY)
  return { match: null, partial: cursor !== '0' }
}

async function searchList(send: Send, key: string, needle: string): Promise<KeyResult> {
  for (let start = 0; start < ELEMENTS_PER_KEY; start += PAGE) {
    const reply = await send(['LRANGE', key, String(start), String(start + PAGE - 1)])
    const values = asList(reply).map((element) => asText(element) ?? '')
    for (const [i, value] of values.entries()) {
      const preview = previewOf(value, needle)
      if (preview !== null) return found(key, 'list', String(start + i), preview)
    }
    if (values.length < PAGE) return { match: null, partial: false }
  }
  return { match: null, partial: true }
}

async function searchStream(send: Send, key: string, needle: string): Promise<KeyResult> {
  let start = '-'
  for (let seen = 0; seen < ELEMENTS_PER_KEY; seen += PAGE) {
    const entries = asList(await send(['XRANGE', key, start, '+', 'COUNT', String(PAGE)]))
    for (const entry of entries) {
      const [id, fields] = asList(entry)
      for (const value of asList(fields)) {
        const preview = previewOf(asText(value) ?? '', needle)
        if (preview !== null) return found(key, 'stream', asText(id), preview)
      }
      start = `(${asText(id) ?? ''}`
    }
    if (entries.length < PAGE) return { match: null, partial: false }
  }
  return { match: null, partial: true }
}

/** Searches one key's value; a key gone or changed meanwhile (an error reply) simply does not match. */
export async function searchKey(send: Send, key: string, type: string, needle: string): Promise<KeyResult> {
  switch (type) {
    case 'string': {
      const value = asText(await send(['GETRANGE', key, '0', String(STRING_BYTES - 1)]))
      const preview = value === null ? null : previewOf(value, needle)
      return preview === null ? { match: null, partial: value !== null && value.length >= STRING_BYTES } : found(key, type, null, preview)
    }
    case 'hash':
      return scanCollection(send, 'HSCAN', key, type, needle, true)
    case 'set':
      return scanCollection(send, 'SSCAN', key, type, needle, false)
    case 'zset':
      return scanCollection(send, 'ZSCAN', key, type, needle, true)
    case 'list':
      return searchList(send, key, needle)
    case 'stream':
      return searchStream(send, key, needle)
    default:
      // A module's type (JSON, a Bloom filter...): not readable as text here.
      return { match: null, partial: false }
  }
}

/**
 * Runs one search to its end and reports progress (new matches only) as it goes; resolves with
 * the last report's state. `stopped()` true ends it at the next round trip, as `stopped`.
 */
export async function searchKeys(
  send: Send,
  pattern: string,
  text: string,
  limits: KeySearchLimits,
  stopped: () => boolean,
  report: (progress: KeySearchProgress) => void
): Promise<KeySearchProgress['state']> {
  const needle = text.trim().toLowerCase()
  const progress: KeySearchProgress = { matches: [], keysScanned: 0, keysMatched: 0, partialKeys: 0, state: 'running', error: null }
  let reportedAt = 0
  const tell = (force: boolean) => {
    const now = Date.now()
    if (!force && progress.matches.length === 0 && now - reportedAt < REPORT_EVERY_MS) return
    reportedAt = now
    report({ ...progress, matches: progress.matches })
    progress.matches = []
  }
  const end = (state: KeySearchProgress['state'], error: string | null = null) => {
    progress.state = state
    progress.error = error
    tell(true)
    return state
  }
  let cursor = '0'
  let calls = 0
  do {
    if (stopped()) return end('stopped')
    const reply = await send(['SCAN', cursor, 'MATCH', pattern, 'COUNT', String(SCAN_COUNT)])
    if (reply.t === 'err') return end('failed', reply.s)
    cursor = asText(asList(reply)[0]) ?? '0'
    const keys = [...new Set(asList(asList(reply)[1]).map((name) => asText(name) ?? ''))]
    for (let i = 0; i < keys.length; i += KEYS_AT_ONCE) {
      if (stopped()) return end('stopped')
      const group = keys.slice(i, i + Math.min(KEYS_AT_ONCE, limits.maxKeys - progress.keysScanned))
      const types = await Promise.all(group.map((key) => send(['TYPE', key])))
      const results = await Promise.all(group.map((key, j) => searchKey(send, key, asText(types[j]) ?? 'none', needle)))
      for (const result of results) {
        progress.keysScanned++
        if (result.partial) progress.partialKeys++
        if (!result.match) continue
        progress.matches.push(result.match)
        if (++progress.keysMatched >= limits.maxMatches) return end('matchLimit')
      }
      if (progress.keysScanned >= limits.maxKeys) return end(cursor === '0' && i + group.length >= keys.length ? 'done' : 'keyBudget')
      tell(false)
    }
  } while (cursor !== '0' && ++calls < SCAN_CALLS)
  return end(cursor === '0' ? 'done' : 'keyBudget')
}
