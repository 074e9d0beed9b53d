/**
 * @module The live inspector of one browser: its key list and opened key,
 * kept current by the sandbox's keyspace notifications.
 *
 * Events mark keys dirty; one refresh runs at a time and takes every key
 * that became dirty meanwhile, so a burst (a 1,000-line paste) costs a few
 * reads, not a thousand, and the last refresh always reads the final state.
 * Each refresh re-reads only what changed:
 *  - the key list: TYPE and PEXPIRETIME of each dirty key;
 *  - the opened hash: when it is small, every field, diffed against what the
 *    page has; when it is large, just the fields the terminal's command named
 *    (touchedFields), or the fields whose TTL ran out (hexpired), or, when
 *    neither is known (a script changed it), its first page again.
 * No polling: without events nothing is read.
 */
import { LIMITS, type FieldInfo, type KeyInfo, type KeyMeta, type ServerMessage } from '../protocol.ts'
import { globMatch } from './glob.ts'
import type { KeyReader } from './KeyReader.ts'
import type { KeyspaceListener } from './KeyspaceWatcher.ts'
import { touchedFields } from './touchedFields.ts'

/** A hash up to this many fields is re-read whole after a change. */
export const SMALL_HASH = 1000
/** Strings are shown up to this many bytes. */
const STRING_PREVIEW = 64 * 1024
/** Most events kept for one refresh's message (older ones in a burst are dropped). */
const EVENTS_PER_MESSAGE = 200

type OpenKey = {
  key: string
  match: string
  /** Fields the page has, by name. */
  loaded: Map<string, FieldInfo>
  /** HSCAN cursor of the next page; "0" when every matching field is loaded. */
  cursor: string
  meta: KeyMeta | null
}

export type InspectorDeps = {
  reader: KeyReader
  send: (message: ServerMessage) => void
  now?: () => number
  log?: (message: string) => void
}

const sameInfo = (a: KeyInfo | undefined, b: KeyInfo | null) =>
  (a === undefined && b === null) || (a !== undefined && b !== null && a.type === b.type && a.expiresAt === b.expiresAt)
const sameField = (a: FieldInfo | undefined, b: FieldInfo) => a !== undefined && a.value === b.value && a.expiresAt === b.expiresAt

export class InspectorSession implements KeyspaceListener {
  #pattern: string | null = null
  #keys = new Map<string, KeyInfo>()
  #open: OpenKey | null = null
  /** Dirty keys and the events seen for each since the last refresh. */
  #dirty = new Map<string, Set<string>>()
  /** Fields named by the terminal's recent hash commands, per key. */
  #touched = new Map<string, Set<string>>()
  #resyncAll = false
  #events: { key: string; event: string; at: number }[] = []
  #eventsScheduled = false
  #chain: Promise<void> = Promise.resolve()
  #refreshQueued = false
  #closed = false

  constructor(private readonly deps: InspectorDeps) {}

  get #now(): number {
    return (this.deps.now ?? Date.now)()
  }

  close(): void {
    this.#closed = true
    this.deps.reader.close()
  }

  // ------------------------------------------------------------ from the page

  watchKeys(pattern: string): void {
    this.#pattern = pattern
    this.#enqueue(async () => {
      const { keys, truncated } = await this.deps.reader.scanKeys(pattern, LIMITS.inspectorKeys)
      if (this.#pattern !== pattern) return
      this.#keys = new Map(keys.map((info) => [info.key, info]))
      this.#send({ type: 'keys', pattern, keys, truncated, now: this.#now })
    })
  }

  openKey(key: string | null, match: string): void {
    if (key === null) {
      this.#open = null
      return
    }
    const open: OpenKey = { key, match, loaded: new Map(), cursor: '0', meta: null }
    this.#open = open
    this.#enqueue(() => this.#sendFirstPage(open))
  }

  moreFields(key: string, cursor: string): void {
    const open = this.#open
    if (!open || open.key !== key || cursor === '0') return
    this.#enqueue(async () => {
      if (this.#open !== open || open.cursor !== cursor) return // a stale request
      const page = await this.deps.reader.fieldsPage(key, cursor, open.match)
      const fresh = page.fields.filter((field) => !open.loaded.has(field.field))
      for (const field of fresh) open.loaded.set(field.field, field)
      open.cursor = page.cursor
      this.#send({ type: 'fieldsPage', key, fields: fresh, cursor: page.cursor, now: this.#now })
    })
  }

  // ------------------------------------------------------------ from the terminal and Valkey

  /** Called with each command the terminal sends, before it runs. */
  noteCommand(args: readonly string[]): void {
    const touched = touchedFields(args)
    if (!touched) return
    let set = this.#touched.get(touched.key)
    if (!set) this.#touched.set(touched.key, (set = new Set()))
    for (const field of touched.fields) set.add(field)
  }

  /** After a command that changes keys without notifications (FLUSHDB, FLUSHALL). */
  resynced(): void {
    this.#resyncAll = true
    this.#scheduleRefresh()
  }

  event(key: string, event: string): void {
    if (this.#closed) return
    let events = this.#dirty.get(key)
    if (!events) this.#dirty.set(key, (events = new Set()))
    events.add(event)
    this.#events.push({ key, event, at: this.#now })
    if (!this.#eventsScheduled) {
      this.#eventsScheduled = true
      setImmediate(() => this.#flushEvents())
    }
    this.#scheduleRefresh()
  }

  // ------------------------------------------------------------ refresh

  #send(message: ServerMessage): void {
    if (!this.#closed) this.deps.send(message)
  }

  #flushEvents(): void {
    this.#eventsScheduled = false
    if (this.#events.length === 0) return
    const list = this.#events.slice(-EVENTS_PER_MESSAGE)
    this.#events = []
    this.#send({ type: 'keyEvents', list })
  }

  #enqueue(task: () => Promise<void>): void {
    this.#chain = this.#chain
      .then(() => (this.#closed ? undefined : task()))
      .catch((error: Error) => this.deps.log?.(`inspector: ${error.message}`))
  }

  #scheduleRefresh(): void {
    if (this.#refreshQueued) return
    this.#refreshQueued = true
    this.#enqueue(async () => {
      this.#refreshQueued = false
      await this.#refresh()
    })
  }

  async #refresh(): Promise<void> {
    const dirty = this.#dirty
    const touched = this.#touched
    const all = this.#resyncAll
    this.#dirty = new Map()
    this.#touched = new Map()
    this.#resyncAll = false

    if (all) {
      if (this.#pattern !== null) this.watchKeys(this.#pattern)
      if (this.#open) this.openKey(this.#open.key, this.#open.match)
      return
    }
    const pattern = this.#pattern
    if (pattern !== null) {
      const keys = [...dirty.keys()].filter((key) => globMatch(pattern, key))
      const infos = await Promise.all(keys.map((key) => this.deps.reader.keyInfo(key)))
      keys.forEach((key, i) => {
        const info = infos[i]!
        if (sameInfo(this.#keys.get(key), info)) return
        if (info) this.#keys.set(key, info)
        else this.#keys.delete(key)
        this.#send({ type: 'keyChanged', key, info, now: this.#now })
      })
    }
    const open = this.#open
    if (open && dirty.has(open.key)) await this.#refreshOpen(open, dirty.get(open.key)!, touched.get(open.key))
  }

  async #sendFirstPage(open: OpenKey): Promise<void> {
    const { reader } = this.deps
    const meta = await reader.meta(open.key)
    if (this.#open !== open) return
    open.meta = meta
    open.loaded = new Map()
    open.cursor = '0'
    let fields: FieldInfo[] = []
    let value: string | null = null
    if (meta?.type === 'hash') {
      const page = await reader.fieldsPage(open.key, '0', open.match)
      fields = page.fields
      open.cursor = page.cursor
      for (const field of fields) open.loaded.set(field.field, field)
    } else if (meta?.type === 'string') {
      value = await reader.stringValue(open.key, STRING_PREVIEW)
    }
    if (this.#open !== open) return
    this.#send({ type: 'keyView', key: open.key, meta, match: open.match, fields, cursor: open.cursor, value, now: this.#now })
  }

  async #refreshOpen(open: OpenKey, events: Set<string>, touched: Set<string> | undefined): Promise<void> {
    const { reader } = this.deps
    const meta = await reader.meta(open.key)
    const wasHash = open.meta?.type === 'hash'
    if (meta?.type !== 'hash' || !wasHash) {
      // Created, deleted or replaced by another type: show it afresh.
      return this.#sendFirstPage(open)
    }
    let upsert: FieldInfo[] = []
    let removed: string[] = []
    if (open.cursor === '0' && meta.length <= SMALL_HASH) {
      const now = await reader.allFields(open.key, open.match)
      const names = new Set(now.map((field) => field.field))
      upsert = now.filter((field) => !sameField(open.loaded.get(field.field), field))
      removed = [...open.loaded.keys()].filter((field) => !names.has(field))
    } else {
      let names: string[]
      if (touched && touched.size > 0) {
        names = [...touched].filter((field) => globMatch(open.match, field))
      } else if (events.size === 1 && events.has('hexpired')) {
        const soon = this.#now + 1000
        names = [...open.loaded.values()].filter((f) => f.expiresAt !== null && f.expiresAt <= soon).map((f) => f.field)
      } else if ([...events].every((event) => event === 'expire' || event === 'persist')) {
        names = [] // only the key's TTL changed: the meta says it
      } else {
        return this.#sendFirstPage(open) // changed by something that does not say which fields
      }
      const read = await reader.fields(open.key, names)
      names.forEach((name, i) => {
        const field = read[i]!
        if (field === null) {
          if (open.loaded.has(name)) removed.push(name)
        } else if (!sameField(open.loaded.get(name), field)) {
          // A new field of a partly loaded hash shows up at once, not on a later page.
          upsert.push(field)
        }
      })
    }
    if (this.#open !== open) return
    for (const field of upsert) open.loaded.set(field.field, field)
    for (const name of removed) open.loaded.delete(name)
    open.meta = meta
    this.#send({ type: 'fieldsChanged', key: open.key, upsert, removed, meta, now: this.#now })
  }
}
