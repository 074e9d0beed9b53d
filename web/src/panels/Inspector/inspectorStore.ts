/**
 * @module What the inspector shows, folded from the server's inspector
 * messages. Pure (no DOM, no socket): the hook feeds it, React reads it.
 *
 * Each message carries the server's clock (`now`), so expiry times (absolute,
 * server clock) are turned into countdowns with the page's clock corrected.
 */
import type { FieldInfo, InspectorMessage, KeyInfo, KeyMeta } from '../../../../server/src/protocol.ts'

/** A field row, with when it last changed on the page's clock (0: loaded as is). */
export type FieldRow = FieldInfo & { changedAt: number }

export type KeyView = {
  key: string
  meta: KeyMeta | null
  match: string
  fields: FieldRow[]
  cursor: string
  value: string | null
  /** When the view last changed (page clock), to flash the meta line. */
  changedAt: number
}

/** `fields`: for hexpired, the fields that ran out, when the page had them open. */
export type LoggedEvent = { id: number; key: string; event: string; at: number; fields?: string[] }

export type InspectorState = {
  pattern: string
  keys: KeyInfo[]
  truncated: boolean
  /** Keys that appeared or changed recently, with the page time. */
  keyChangedAt: ReadonlyMap<string, number>
  selected: string | null
  view: KeyView | null
  events: LoggedEvent[]
  /** Server clock minus page clock, in ms. */
  clockOffset: number
}

export const MAX_EVENTS = 100

export const initialState: InspectorState = {
  pattern: '*',
  keys: [],
  truncated: false,
  keyChangedAt: new Map(),
  selected: null,
  view: null,
  events: [],
  clockOffset: 0,
}

const byName = (a: KeyInfo, b: KeyInfo) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

let nextEventId = 1

/** Applies one server message; returns the same object when nothing changed. */
export function reduce(state: InspectorState, message: InspectorMessage, pageNow: number): InspectorState {
  const offsetFrom = (now: number) => now - pageNow
  switch (message.type) {
    case 'keys':
      if (message.pattern !== state.pattern) return state
      return { ...state, keys: [...message.keys].sort(byName), truncated: message.truncated, clockOffset: offsetFrom(message.now) }
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
          cursor: message.cursor,
          value: message.value,
          changedAt: pageNow,
        },
        clockOffset: offsetFrom(message.now),
      }
    }
    case 'fieldsPage': {
      const view = state.view
      if (!view || view.key !== message.key) return state
      const known = new Set(view.fields.map((field) => field.field))
      const added = message.fields.filter((field) => !known.has(field.field)).map((field) => ({ ...field, changedAt: 0 }))
      return { ...state, view: { ...view, fields: [...view.fields, ...added], cursor: message.cursor } }
    }
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

/** Selecting a key clears the view until the server's keyView arrives. */
export function select(state: InspectorState, key: string | null): InspectorState {
  return { ...state, selected: key, view: null }
}

export function setPattern(state: InspectorState, pattern: string): InspectorState {
  return { ...state, pattern, keys: [], truncated: false }
}

/** Milliseconds left until an absolute server-clock expiry, on the page clock. */
export function remainingMs(expiresAt: number, clockOffset: number, pageNow: number): number {
  return expiresAt - (pageNow + clockOffset)
}
