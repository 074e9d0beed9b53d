/**
 * @module The inspector's part of the protocol: what the page asks to see (keys, a key's contents,
 * more pages, a search by value) and what the server pushes (key lists, views, targeted changes,
 * keyspace events), in the playground and in inspect mode alike; and inspect mode's own messages
 * (which database, live or polled). Part of the one protocol module (common/protocol/index.ts
 * re-exports it); free of DOM and Node APIs.
 *
 * Key names, fields and values are byte strings. Expiry times are absolute Unix milliseconds on
 * the server's clock (`now` in each message lets the page correct for its own clock); null means
 * no expiry. A cursor of "0" always means "nothing more to load".
 */
import { ERROR_CODES, fail, isIntIn, isShortByteString, type Refusal } from './basics.ts'

export type KeyInfo = { key: string; type: string; expiresAt: number | null }
export type FieldInfo = { field: string; value: string; expiresAt: number | null }
export type KeyMeta = {
  type: string
  expiresAt: number | null
  /** HLEN for a hash, else the length that fits the type (STRLEN, LLEN, ...). */
  length: number
  encoding: string
  /** MEMORY USAGE in bytes: exact (SAMPLES 0), or Valkey's sampled estimate for very large keys. */
  memory: number
  memoryExact: boolean
}

/** One element of a list, set, sorted set or stream, as the inspector shows it. */
export type CollectionItem =
  | { kind: 'list'; index: number; value: string }
  | { kind: 'set'; value: string }
  /** `score` as the server printed it (a double's text keeps its exact digits). */
  | { kind: 'zset'; value: string; score: string }
  /** A stream entry: its id and its field/value pairs, flat. */
  | { kind: 'stream'; id: string; fields: string[] }

// ---------------------------------------------------------------- page → server

/** List the keys matching a glob pattern (the first page), and keep the list live. */
export type WatchKeysMessage = { type: 'watchKeys'; pattern: string }
/** The next page of keys for the pattern, from the cursor the last page ended at. */
export type MoreKeysMessage = { type: 'moreKeys'; pattern: string; cursor: string }
/** Show one key (null: none), its hash fields filtered by an optional glob. */
export type OpenKeyMessage = { type: 'openKey'; key: string | null; match: string }
/** The next page of the open hash's fields. */
export type MoreFieldsMessage = { type: 'moreFields'; key: string; cursor: string }
/** The next page of the open list, set, sorted set or stream. */
export type MoreItemsMessage = { type: 'moreItems'; key: string; cursor: string }
/**
 * Find every field of the open hash whose value contains `text` (case-insensitive, as the page
 * shows values), however large the hash: the server walks it and sends what it finds.
 */
export type SearchValuesMessage = { type: 'searchValues'; key: string; text: string }

/** Inspect mode: show database `db` (the terminal's SELECT moves the page here too). */
export type SelectDbMessage = { type: 'selectDb'; db: number }
/** Inspect mode: how often what is on screen is read again while keyspace notifications are off. */
export type PollEveryMessage = { type: 'pollEvery'; seconds: number }
/** Inspect mode: the user asked to turn keyspace notifications on (CONFIG SET, if the server allows it). */
export type EnableNotificationsMessage = { type: 'enableNotifications' }

/**
 * Inspect mode: search the values of the keys matching `pattern` for `text` (case-insensitive, as
 * the page shows values), walking the database with SCAN and reading each key in bounded pages.
 * It stops after `maxMatches` matching keys or `maxKeys` keys looked at, whichever comes first;
 * a new search (any id) replaces the one running. `id` is the page's, echoed in every keySearch.
 */
export type SearchKeysMessage = { type: 'searchKeys'; id: number; pattern: string; text: string; maxMatches: number; maxKeys: number }
/** Inspect mode: stop the search with this id (nothing happens when it has ended). */
export type StopKeySearchMessage = { type: 'stopKeySearch'; id: number }
/** Inspect mode: read the server view (slow log, clients, memory, keyspace) once, now. */
export type ServerViewRequestMessage = { type: 'serverView' }
/** Inspect mode: read the databases' key counts now (the page opened the database menu). */
export type DatabasesNowMessage = { type: 'databasesNow' }

export type InspectorRequest =
  | WatchKeysMessage
  | MoreKeysMessage
  | OpenKeyMessage
  | MoreFieldsMessage
  | MoreItemsMessage
  | SearchValuesMessage
  | SelectDbMessage
  | PollEveryMessage
  | EnableNotificationsMessage
  | SearchKeysMessage
  | StopKeySearchMessage
  | ServerViewRequestMessage
  | DatabasesNowMessage

// ---------------------------------------------------------------- server → page

/**
 * The first page of keys for the pattern. `cursor` "0": that is every matching key; otherwise
 * moreKeys with it brings the next page (a database of a million keys is walked with SCAN).
 */
export type KeysMessage = { type: 'keys'; pattern: string; keys: KeyInfo[]; cursor: string; now: number }
/** A later page of keys (keys already listed are not repeated). */
export type KeysPageMessage = { type: 'keysPage'; pattern: string; keys: KeyInfo[]; cursor: string; now: number }
/** One key appeared, changed type or expiry, or is gone (info null). */
export type KeyChangedMessage = { type: 'keyChanged'; key: string; info: KeyInfo | null; now: number }
/**
 * The opened key: its meta and the first page of its contents: fields (hashes), items (lists,
 * sets, sorted sets, streams) or the value (strings). `cursor` "0" means everything is here.
 */
export type KeyViewMessage = {
  type: 'keyView'
  key: string
  meta: KeyMeta | null
  match: string
  fields: FieldInfo[]
  items: CollectionItem[]
  cursor: string
  /** For strings, the value (its first 64 KiB); null for other types. */
  value: string | null
  now: number
}
export type FieldsPageMessage = { type: 'fieldsPage'; key: string; fields: FieldInfo[]; cursor: string; now: number }
export type ItemsPageMessage = { type: 'itemsPage'; key: string; items: CollectionItem[]; cursor: string; now: number }
/** Targeted update of the opened hash: changed or new fields, removed fields, new meta. */
export type FieldsChangedMessage = {
  type: 'fieldsChanged'
  key: string
  upsert: FieldInfo[]
  removed: string[]
  meta: KeyMeta | null
  now: number
}
/**
 * Fields of the open hash whose value contains `text`, found so far (the page adds them to what
 * it has loaded). `done`: the whole hash was searched; `capped`: it stopped at the most matches
 * one search returns. `scanned`: fields looked at so far.
 */
export type ValueMatchesMessage = {
  type: 'valueMatches'
  key: string
  text: string
  fields: FieldInfo[]
  scanned: number
  done: boolean
  capped: boolean
  now: number
}
/** Keyspace events, oldest first (the page shows them newest first). */
export type KeyEventsMessage = { type: 'keyEvents'; list: { key: string; event: string; at: number }[] }

/** Inspect mode: a logical database with keys, as INFO keyspace reports it. */
export type DatabaseInfo = { db: number; keys: number; expires: number }
/** Inspect mode: the databases that hold keys (and the one shown, even when empty). */
export type DatabasesMessage = { type: 'databases'; list: DatabaseInfo[]; now: number }
/** Inspect mode: the inspector now reads database `db`; messages before this one were about another. */
export type InspectorDbMessage = { type: 'inspectorDb'; db: number }
/**
 * Inspect mode: how the page stays current. `notifications`: pushed by keyspace notifications;
 * `polling`: read again every `pollSeconds` (they are off, or this user may not subscribe), with
 * `reason` saying why, and `enableLine` the exact command that would turn them on.
 */
export type LiveMessage = {
  type: 'live'
  mode: 'notifications' | 'polling'
  /** The server's notify-keyspace-events setting; null when this user may not read it. */
  flags: string | null
  reason: string | null
  enableLine: string | null
  pollSeconds: number
  /** When what is on screen was last read by the poller (server clock); null before the first read. */
  polledAt: number | null
}

/**
 * One key whose value contains the searched text. `where`: in which part, as a byte string: the
 * hash field, the list index, the sorted-set member's score, the stream entry's id; null for a
 * string or a set member. `preview`: display text (already escaped as the page shows values, not
 * bytes) of the value around the first match, at most about 120 characters.
 */
export type KeySearchMatch = { key: string; type: string; where: string | null; preview: string }
/**
 * Inspect mode: how a search across keys goes. `matches`: the matches found since the last
 * message (the page appends them). `keysScanned`: keys whose value was read; `keysMatched`: keys
 * that matched; `partialKeys`: keys too large to read whole (only their first elements were
 * searched). `state` running until it ends: done (the whole pattern was walked), matchLimit,
 * keyBudget, stopped (the page asked), failed (`error` says the server's answer).
 */
export type KeySearchMessage = {
  type: 'keySearch'
  id: number
  matches: KeySearchMatch[]
  keysScanned: number
  keysMatched: number
  partialKeys: number
  state: 'running' | 'done' | 'matchLimit' | 'keyBudget' | 'stopped' | 'failed'
  error: string | null
}
/** A slow log entry: when (Unix seconds), how long (microseconds), the command's words (shortened by the server), and from whom. */
export type SlowlogEntry = { id: number; at: number; micros: number; args: string[]; client: string; name: string }
/** CLIENT LIST, one line read into its fields (id, addr, name, age, idle, db, cmd, ...). */
export type ClientEntry = Record<string, string>
/**
 * Inspect mode: the server view, read when the page asked. Each part is null with a line in
 * `errors` when the server refused it (a user without the right): the rest is still shown.
 */
export type ServerViewMessage = {
  type: 'serverView'
  /** When it was read (server clock, ms). */
  at: number
  /** SLOWLOG GET's newest entries and SLOWLOG LEN. */
  slowlog: { entries: SlowlogEntry[]; length: number } | null
  /** CLIENT LIST's first lines, and how many clients there are in all. */
  clients: { list: ClientEntry[]; total: number } | null
  /** Chosen INFO fields (memory, clients, stats, server), by name, as the server printed them. */
  info: Record<string, string> | null
  /** MEMORY STATS, its numeric top-level entries. */
  memory: Record<string, number> | null
  keyspace: DatabaseInfo[] | null
  errors: string[]
}

export type InspectorMessage =
  | KeysMessage
  | KeysPageMessage
  | KeyChangedMessage
  | KeyViewMessage
  | FieldsPageMessage
  | ItemsPageMessage
  | FieldsChangedMessage
  | ValueMatchesMessage
  | KeyEventsMessage
  | DatabasesMessage
  | InspectorDbMessage
  | LiveMessage
  | KeySearchMessage
  | ServerViewMessage

// ---------------------------------------------------------------- validation

/** Longest text a value search accepts (characters). */
export const MAX_VALUE_SEARCH = 256
/** Bounds of a search across keys: matching keys it may return, and keys it may read. */
export const KEY_SEARCH = { maxMatches: 1000, maxKeys: 100_000 } as const
/** Poll intervals the page may choose (seconds). */
export const POLL_SECONDS = { min: 1, max: 60 } as const

const SCAN_CURSOR = /^\d{1,20}$/
/** A stream id (`1700000000000-0`) or an index or SCAN cursor. */
const ITEM_CURSOR = /^\d{1,20}(-\d{1,20})?$/

/**
 * Checks a frame whose type belongs to the inspector; undefined when the type is not one of them
 * (the caller goes on with the other parts of the protocol).
 */
export function parseInspectorRequest(frame: Record<string, unknown>): { ok: true; message: InspectorRequest } | Refusal | undefined {
  const bad = (text: string) => fail(ERROR_CODES.badFrame, text)
  switch (frame.type) {
    case 'watchKeys': {
      const { pattern } = frame
      if (!isShortByteString(pattern)) return bad('watchKeys.pattern must be a byte string')
      return { ok: true, message: { type: 'watchKeys', pattern } }
    }
    case 'moreKeys': {
      const { pattern, cursor } = frame
      if (!isShortByteString(pattern) || typeof cursor !== 'string' || !SCAN_CURSOR.test(cursor)) {
        return bad('moreKeys needs a pattern and a numeric cursor')
      }
      return { ok: true, message: { type: 'moreKeys', pattern, cursor } }
    }
    case 'openKey': {
      const { key, match = '*' } = frame
      if (key !== null && !isShortByteString(key)) return bad('openKey.key must be null or a byte string')
      if (!isShortByteString(match)) return bad('openKey.match must be a byte string')
      return { ok: true, message: { type: 'openKey', key, match } }
    }
    case 'moreFields': {
      const { key, cursor } = frame
      if (!isShortByteString(key) || typeof cursor !== 'string' || !SCAN_CURSOR.test(cursor)) {
        return bad('moreFields needs a key and a numeric cursor')
      }
      return { ok: true, message: { type: 'moreFields', key, cursor } }
    }
    case 'moreItems': {
      const { key, cursor } = frame
      if (!isShortByteString(key) || typeof cursor !== 'string' || !ITEM_CURSOR.test(cursor)) {
        return bad('moreItems needs a key and a cursor (a number or a stream id)')
      }
      return { ok: true, message: { type: 'moreItems', key, cursor } }
    }
    case 'searchValues': {
      const { key, text } = frame
      if (!isShortByteString(key) || typeof text !== 'string' || text.length > MAX_VALUE_SEARCH) {
        return bad(`searchValues needs a key and a text of at most ${MAX_VALUE_SEARCH} characters`)
      }
      return { ok: true, message: { type: 'searchValues', key, text } }
    }
    case 'selectDb': {
      const { db } = frame
      if (!isIntIn(db, 0, 1_000_000)) return bad('selectDb.db must be a database number')
      return { ok: true, message: { type: 'selectDb', db } }
    }
    case 'pollEvery': {
      const { seconds } = frame
      if (!isIntIn(seconds, POLL_SECONDS.min, POLL_SECONDS.max)) {
        return bad(`pollEvery.seconds must be a whole number from ${POLL_SECONDS.min} to ${POLL_SECONDS.max}`)
      }
      return { ok: true, message: { type: 'pollEvery', seconds } }
    }
    case 'enableNotifications':
      return { ok: true, message: { type: 'enableNotifications' } }
    case 'searchKeys': {
      const { id, pattern, text, maxMatches, maxKeys } = frame
      if (!isIntIn(id, 0, Number.MAX_SAFE_INTEGER) || !isShortByteString(pattern) || pattern === '') {
        return bad('searchKeys needs an id and a key pattern')
      }
      if (typeof text !== 'string' || text.trim() === '' || text.length > MAX_VALUE_SEARCH) {
        return bad(`searchKeys.text must be 1 to ${MAX_VALUE_SEARCH} characters`)
      }
      if (!isIntIn(maxMatches, 1, KEY_SEARCH.maxMatches) || !isIntIn(maxKeys, 1, KEY_SEARCH.maxKeys)) {
        return bad(`searchKeys needs maxMatches from 1 to ${KEY_SEARCH.maxMatches} and maxKeys from 1 to ${KEY_SEARCH.maxKeys}`)
      }
      return { ok: true, message: { type: 'searchKeys', id, pattern, text, maxMatches, maxKeys } }
    }
    case 'stopKeySearch': {
      const { id } = frame
      if (!isIntIn(id, 0, Number.MAX_SAFE_INTEGER)) return bad('stopKeySearch needs the id of the search')
      return { ok: true, message: { type: 'stopKeySearch', id } }
    }
    case 'serverView':
      return { ok: true, message: { type: 'serverView' } }
    case 'databasesNow':
      return { ok: true, message: { type: 'databasesNow' } }
    default:
      return undefined
  }
}

/** Every inspector message kind (the record makes the list complete). */
const INSPECTOR_KINDS: Record<InspectorMessage['type'], true> = {
  keys: true,
  keysPage: true,
  keyChanged: true,
  keyView: true,
  fieldsPage: true,
  itemsPage: true,
  fieldsChanged: true,
  valueMatches: true,
  keyEvents: true,
  databases: true,
  inspectorDb: true,
  live: true,
  keySearch: true,
  serverView: true,
}
export const isInspectorMessage = (message: { type: string }): message is InspectorMessage => Object.hasOwn(INSPECTOR_KINDS, message.type)
