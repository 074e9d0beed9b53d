/**
 * @module The live inspector of one browser: its key list and opened key, kept current by
 * keyspace notifications (or, in inspect mode against a server that has them off, by the poller
 * calling poll()).
 *
 * Events mark keys dirty; one refresh runs at a time and takes every key that became dirty
 * meanwhile, so a burst (a 1,000-line paste) costs a few reads, not a thousand, and the last
 * refresh always reads the final state. Each refresh re-reads only what changed:
 *  - the key list: TYPE and PEXPIRETIME of each dirty key;
 *  - the opened hash: when it is small, every field, diffed against what the page has; when it is
 *    large, just the fields the terminal's command named (touchedFields), or the fields whose TTL
 *    ran out (hexpired), or, when neither is known (a script changed it), its first page again;
 *  - another opened type: its contents again, as far as the page had loaded them.
 * Nothing is read without an event or a poll.
 */
import { LIMITS, type FieldInfo, type KeyInfo, type KeyMeta, type ServerMessage } from '../protocol.ts'
import { globMatch } from './glob.ts'
import type { KeyReader } from './KeyReader.ts'
import type { KeyspaceListener } from './KeyspaceWatcher.ts'
import { touchedFields } from './touchedFields.ts'
import { searchValues } from './ValueSearch.ts'

/** A hash up to this many fields is re-read whole after a change. */
export const SMALL_HASH = 1000
/** Strings are shown up to this many bytes. */
const STRING_PREVIEW = 64 * 1024
/** Elements of a list, set, sorted set or stream per page. */
export const PAGE_ITEMS = 200
/** A changed collection is read again up to this many elements (what the page had, at most this). */
const RELOAD_ITEMS_UP_TO = 2000
/** Most events kept for one refresh's message (older ones in a burst are dropped). */
const EVENTS_PER_MESSAGE = 200
/** A poll re-reads at most this many of the loaded fields of a large hash (the first ones). */
const POLL_FIELDS = 1000

type OpenKey = {
  key: string
  match: string
  /** Fields the page has, by name. */
  loaded: Map<string, FieldInfo>
  /** Elements of another type the page has (how many, for a reload). */
  items: number
  /** Cursor of the next page; "0" when everything matching is loaded. */
  cursor: string
  meta: KeyMeta | null
  /** Bumped by every new value search or view, so a search in progress knows it is stale. */
  searchId: number
  /** What the last keyView said of a key that is not a hash, so a poll that finds it unchanged stays quiet. */
  shown: string
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
  /** SCAN cursor of the key list's next page; "0" when every matching key is listed. */
  #keysCursor = '0'
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

  /** A read on the inspector's connection (inspect mode's INFO keyspace). */
  query(args: string[]): ReturnType<KeyReader['query']> {
    return this.deps.reader.query(args)
  }

  // ------------------------------------------------------------ from the page

  watchKeys(pattern: string): void {
    this.#pattern = pattern
    this.#enqueue(async () => {
      const page = await this.deps.reader.keysPage(pattern, '0', LIMITS.inspectorKeys)
      if (this.#pattern !== pattern) return
      this.#keys = new Map(page.keys.map((info) => [info.key, info]))
      this.#keysCursor = page.cursor
      this.#send({ type: 'keys', pattern, keys: page.keys, cursor: page.cursor, now: this.#now })
    })
  }

  moreKeys(pattern: string, cursor: string): void {
    this.#enqueue(async () => {
      // Stale (another pattern, or a page already sent), or the page holds as many as it keeps.
      if (this.#pattern !== pattern || this.#keysCursor !== cursor || cursor === '0') return
      if (this.#keys.size >= LIMITS.inspectorKeysLoaded) return
      const page = await this.deps.reader.keysPage(pattern, cursor, LIMITS.inspectorKeys)
      if (this.#pattern !== pattern || this.#keysCursor !== cursor) return
      const fresh = page.keys.filter((info) => !this.#keys.has(info.key))
      for (const info of fresh) this.#keys.set(info.key, info)
      this.#keysCursor = page.cursor
      this.#send({ type: 'keysPage', pattern, keys: fresh, cursor: page.cursor, now: this.#now })
    })
  }

  openKey(key: string | null, match: string): void {
    if (key === null) {
      this.#open = null
      return
    }
    const open: OpenKey = { key, match, loaded: new Map(), items: 0, cursor: '0', meta: null, searchId: 0, shown: '' }
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

  moreItems(key: string, cursor: string): void {
    const open = this.#open
    if (!open || open.key !== key || cursor === '0') return
    this.#enqueue(async () => {
      if (this.#open !== open || open.cursor !== cursor || !open.meta) return
      const page = await this.deps.reader.itemsPage(open.meta.type, key, cursor, PAGE_ITEMS)
      if (this.#open !== open) return
      open.items += page.items.length
      open.cursor = page.cursor
      this.#send({ type: 'itemsPage', key, items: page.items, cursor: page.cursor, now: this.#now })
    })
  }

  /** Every field of the open hash whose value contains `text`, found by walking the whole hash. */
  searchValues(key: string, text: string): void {
    const open = this.#open
    if (!open || open.key !== key || open.meta?.type !== 'hash' || text.trim() === '') return
    const id = ++open.searchId
    const current = () => !this.#closed && this.#open === open && open.searchId === id
    this.#enqueue(() =>
      searchValues(this.deps.reader, key, text, current, (progress) => {
        // Found fields count as loaded: from now on their changes are pushed like any other's.
        for (const field of progress.fields) open.loaded.set(field.field, field)
        this.#send({ type: 'valueMatches', key, text, ...progress, now: this.#now })
      })
    )
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

  /**
   * Without notifications (inspect mode): reads what the page shows again and pushes what changed.
   * The listed keys are checked one by one; a complete list is scanned again for new keys (a
   * partial one finds new keys only when paged or filtered again). Resolves once it has read.
   */
  poll(): Promise<void> {
    return new Promise((resolve) => {
      this.#enqueue(async () => {
        try {
          await this.#pollKeys()
          const open = this.#open
          if (open) await this.#refreshOpen(open, new Set(['poll']), undefined)
        } finally {
          resolve()
        }
      })
    })
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
    if (pattern !== null) await this.#recheckKeys([...dirty.keys()].filter((key) => globMatch(pattern, key)))
    const open = this.#open
    if (open && dirty.has(open.key)) await this.#refreshOpen(open, dirty.get(open.key)!, touched.get(open.key))
  }

  /** Reads the keys' type and expiry again and tells the page about every difference. */
  async #recheckKeys(keys: string[]): Promise<void> {
    const infos = await Promise.all(keys.map((key) => this.deps.reader.keyInfo(key)))
    keys.forEach((key, i) => this.#keyIs(key, infos[i]!))
  }

  #keyIs(key: string, info: KeyInfo | null): void {
    if (sameInfo(this.#keys.get(key), info)) return
    if (info) this.#keys.set(key, info)
    else this.#keys.delete(key)
    this.#send({ type: 'keyChanged', key, info, now: this.#now })
  }

  async #pollKeys(): Promise<void> {
    const pattern = this.#pattern
    if (pattern === null) return
    if (this.#keysCursor === '0' && this.#keys.size <= LIMITS.inspectorKeys) {
      const page = await this.deps.reader.keysPage(pattern, '0', LIMITS.inspectorKeys)
      if (this.#pattern !== pattern) return
      const seen = new Set(page.keys.map((info) => info.key))
      for (const info of page.keys) this.#keyIs(info.key, info)
      // Only a complete scan proves a key is gone.
      if (page.cursor === '0') for (const key of [...this.#keys.keys()]) if (!seen.has(key)) this.#keyIs(key, null)
      return
    }
    await this.#recheckKeys([...this.#keys.keys()].slice(0, LIMITS.inspectorKeys))
  }

  async #sendFirstPage(open: OpenKey, items = PAGE_ITEMS, polled = false): Promise<void> {
    const { reader } = this.deps
    const meta = await reader.meta(open.key)
    if (this.#open !== open) return
    open.meta = meta
    open.loaded = new Map()
    open.items = 0
    open.cursor = '0'
    open.searchId++
    let fields: FieldInfo[] = []
    let value: string | null = null
    let list: Awaited<ReturnType<KeyReader['itemsPage']>>['items'] = []
    if (meta?.type === 'hash') {
      const page = await reader.fieldsPage(open.key, '0', open.match)
      fields = page.fields
      open.cursor = page.cursor
      for (const field of fields) open.loaded.set(field.field, field)
    } else if (meta?.type === 'string') {
      value = await reader.stringValue(open.key, STRING_PREVIEW)
    } else if (meta) {
      const page = await reader.itemsPage(meta.type, open.key, '0', items)
      list = page.items
      open.items = list.length
      open.cursor = page.cursor
    }
    if (this.#open !== open) return
    if (meta?.type !== 'hash') {
      const shown = JSON.stringify([meta, list, value, open.cursor])
      if (polled && shown === open.shown) return
      open.shown = shown
    }
    this.#send({ type: 'keyView', key: open.key, meta, match: open.match, fields, items: list, cursor: open.cursor, value, now: this.#now })
  }

  async #refreshOpen(open: OpenKey, events: Set<string>, touched: Set<string> | undefined): Promise<void> {
    const { reader } = this.deps
    const meta = await reader.meta(open.key)
    const wasHash = open.meta?.type === 'hash'
    if (meta?.type !== 'hash' || !wasHash) {
      // Created, deleted, replaced by another type, or not a hash: shown afresh, as far as loaded.
      return this.#sendFirstPage(open, Math.min(RELOAD_ITEMS_UP_TO, Math.max(PAGE_ITEMS, open.items)), events.has('poll'))
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
      } else if (events.has('poll')) {
        names = [...open.loaded.keys()].slice(0, POLL_FIELDS) // polled: what the page shows first
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
    const metaChanged = JSON.stringify(meta) !== JSON.stringify(open.meta)
    open.meta = meta
    // A poll that found nothing new says nothing (every few seconds, for a page that shows the same).
    if (events.has('poll') && upsert.length === 0 && removed.length === 0 && !metaChanged) return
    this.#send({ type: 'fieldsChanged', key: open.key, upsert, removed, meta, now: this.#now })
  }
}
