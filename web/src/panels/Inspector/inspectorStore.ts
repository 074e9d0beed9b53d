/**
 * @module What the inspector shows, folded from the server's inspector
 * messages. Pure (no DOM, no socket): the hook feeds it, React reads it.
 *
 * Each message carries the server's clock (`now`), so expiry times (absolute,
 * server clock) are turned into countdowns with the page's clock corrected.
 */
import type { CollectionItem, FieldInfo, InspectorMessage, KeyInfo, KeyMeta } from '../../../../common/protocol/index.ts'
import { keepLoading } from './loadedFields.ts'

/** A field row, with when it last changed on the page's clock (0: loaded as is). */
export type FieldRow = FieldInfo & { changedAt: number }

export type KeyView = {
  key: string
  meta: KeyMeta | null
  match: string
  fields: FieldRow[]
  /** A list's, set's, sorted set's or stream's elements loaded so far. */
  items: CollectionItem[]
  cursor: string
  value: string | null
  /** When the view last changed (page clock), to flash the meta line. */
  changedAt: number
  /** The server's search through the whole hash by value (its matches are in `fields`), if one ran. */
  search: ValueSearchState | null
  /** "Load all" runs: each page of fields that arrives asks for the next (see loadedFields.ts). */
  loadingAll: boolean
}

/** Where the server's search by value stands: `found` matches after `scanned` fields. */
export type ValueSearchState = { text: string; found: number; scanned: number; done: boolean; capped: boolean }

/** `fields`: for hexpired, the fields that ran out, when the page had them open. */
export type LoggedEvent = { id: number; key: string; event: string; at: number; fields?: string[] }

export type InspectorState = {
  pattern: string
  keys: KeyInfo[]
  /** SCAN cursor of the next page of keys; "0" when every matching key is listed. */
  keysCursor: string
  /** Keys that appeared or changed recently, with the page time. */
  keyChangedAt: ReadonlyMap<string, number>
  selected: string | null
  view: KeyView | null
  events: LoggedEvent[]
  /** Server clock minus page clock, in ms. */
  clockOffset: number
  /** Inspect mode: another database was asked for; what arrives until the server confirms it is about the old one. */
  awaitingDb: number | null
}

export const MAX_EVENTS = 100

export const initialState: InspectorState = {
  pattern: '*',
  keys: [],
  keysCursor: '0',
  keyChangedAt: new Map(),
  selected: null,
  view: null,
  events: [],
  clockOffset: 0,
  awaitingDb: null,
}

const byName = (a: KeyInfo, b: KeyInfo) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

let nextEventId = 1

/** Applies one server message; returns the same object when nothing changed. */
export function reduce(state: InspectorState, message: InspectorMessage, pageNow: number): InspectorState {
  const offsetFrom = (now: number) => now - pageNow
  if (state.awaitingDb !== null) {
    return message.type === 'inspectorDb' && message.db === state.awaitingDb ? { ...state, awaitingDb: null } : state
  }
  switch (message.type) {
    case 'keys':
      if (message.pattern !== state.pattern) return state
      return { ...state, keys: [...message.keys].sort(byName), keysCursor: message.cursor, clockOffset: offsetFrom(message.now) }
    case 'keysPage': {
      if (message.pattern !== state.pattern) return state
      const known = new Set(state.keys.map((info) => info.key))
      const added = message.keys.filter((info) => !known.has(info.key))
      return { ...state, keys: [...state.keys, ...added].sort(byName), keysCursor: message.cursor }
    }
    case 'keyChanged': {
      const others = state.keys.filter((info) => info.key !== message.key)
      const keys = message.info ? [...others, message.info].sort(byName) : others
      const keyChangedAt = new Map(state.keyChangedAt)
      if (message.info) keyChangedAt.set(message.key, pageNow)
      else keyChangedAt.delete(message.key)
      return { ...state, keys, keyChangedAt, clockOffset: offsetFrom(message.now) }
    }
    case 'keyView': {
      if (message.key !== state.selected) return state
      const fields = message.fields.map((field) => ({ ...field, changedAt: 0 }))
      return {
        ...state,
        view: {
          key: message.key,
          meta: message.meta,
          match: message.match,
          fields,
          items: message.items,
          cursor: message.cursor,
          value: message.value,
          changedAt: pageNow,
          search: null,
          loadingAll: false,
        },
        clockOffset: offsetFrom(message.now),
      }
    }
    case 'fieldsPage': {
      const view = state.view
      if (!view || view.key !== message.key) return state
      const known = new Set(view.fields.map((field) => field.field))
      const added = message.fields.filter((field) => !known.has(field.field)).map((field) => ({ ...field, changedAt: 0 }))
      const fields = [...view.fields, ...added]
      const loadingAll = view.loadingAll && keepLoading(message.cursor !== '0', fields)
      return { ...state, view: { ...view, fields, cursor: message.cursor, loadingAll } }
    }
    case 'itemsPage': {
      const view = state.view
      if (!view || view.key !== message.key) return state
      return { ...state, view: { ...view, items: [...view.items, ...message.items], cursor: message.cursor } }
    }
    case 'valueMatches': {
      const view = state.view
      if (!view || view.key !== message.key) return state
      const known = new Set(view.fields.map((field) => field.field))
      const added = message.fields.filter((field) => !known.has(field.field)).map((field) => ({ ...field, changedAt: 0 }))
      const before = view.search?.text === message.text ? view.search.found : 0
      const search = {
        text: message.text,
        found: before + message.fields.length,
        scanned: message.scanned,
        done: message.done,
        capped: message.capped,
      }
      return { ...state, view: { ...view, fields: [...view.fields, ...added], search } }
    }
    case 'databases':
    case 'inspectorDb':
    case 'live':
    case 'keySearch':
    case 'serverView':
      // Inspect mode's own messages: the inspect page keeps them (inspectStore).
      return state
    case 'fieldsChanged': {
      const view = state.view
      if (!view || view.key !== message.key) return state
      const removed = new Set(message.removed)
      const upserts = new Map(message.upsert.map((field) => [field.field, field]))
      const fields: FieldRow[] = []
      for (const row of view.fields) {
        if (removed.has(row.field)) continue
        const update = upserts.get(row.field)
        if (update) {
          fields.push({ ...update, changedAt: pageNow })
          upserts.delete(row.field)
        } else {
          fields.push(row)
        }
      }
      for (const field of upserts.values()) fields.push({ ...field, changedAt: pageNow })
      return {
        ...state,
        view: { ...view, fields, meta: message.meta, changedAt: pageNow },
        events: nameExpiredFields(state.events, view, removed, message.now),
        clockOffset: offsetFrom(message.now),
      }
    }
    case 'keyEvents': {
      const logged = message.list.map((event) => ({ ...event, id: nextEventId++ })).reverse()
      return { ...state, events: [...logged, ...state.events].slice(0, MAX_EVENTS) }
    }
  }
}

/**
 * Keyspace events say "hexpired on key k", never which fields. When the open hash loses fields
 * whose TTL had run out (server clock), they are the ones: the newest unnamed hexpired event of
 * that key gets their names. The event arrives first (the server sends it before re-reading).
 */
function nameExpiredFields(events: LoggedEvent[], view: KeyView, removed: ReadonlySet<string>, serverNow: number): LoggedEvent[] {
  if (removed.size === 0) return events
  // A second of slack: the re-read happens a moment after Valkey expired the field.
  const expired = view.fields.filter((row) => removed.has(row.field) && row.expiresAt !== null && row.expiresAt <= serverNow + 1000)
  if (expired.length === 0) return events
  const at = events.findIndex((event) => event.key === view.key && event.event === 'hexpired' && event.fields === undefined)
  if (at < 0) return events
  const named = { ...events[at]!, fields: expired.map((row) => row.field) }
  return [...events.slice(0, at), named, ...events.slice(at + 1)]
}

/** Inspect mode: another database. Its keys replace these once the server has switched (inspectorDb). */
export function switchDb(state: InspectorState, db: number): InspectorState {
  return { ...initialState, pattern: state.pattern, clockOffset: state.clockOffset, awaitingDb: db }
}

/** Selecting a key clears the view until the server's keyView arrives. */
export function select(state: InspectorState, key: string | null): InspectorState {
  return { ...state, selected: key, view: null }
}

export function setPattern(state: InspectorState, pattern: string): InspectorState {
  return { ...state, pattern, keys: [], keysCursor: '0' }
}

/** "Load all" on the open hash: from now on each page of fields that arrives asks for the next. */
export function startLoadAll(state: InspectorState): InspectorState {
  const view = state.view
  if (!view || view.meta?.type !== 'hash' || !keepLoading(view.cursor !== '0', view.fields)) return state
  return { ...state, view: { ...view, loadingAll: true } }
}

/** Stops "Load all" (what is loaded stays). */
export function stopLoadAll(state: InspectorState): InspectorState {
  const view = state.view
  if (!view?.loadingAll) return state
  return { ...state, view: { ...view, loadingAll: false } }
}

/** Milliseconds left until an absolute server-clock expiry, on the page clock. */
export function remainingMs(expiresAt: number, clockOffset: number, pageNow: number): number {
  return expiresAt - (pageNow + clockOffset)
}
