/**
 * @module The key one inspector has open, and every read of it: its first page (fields of a hash,
 * a string's value, the first elements of another type), the next pages, a search by value through
 * the whole hash, and the re-read after a change (targeted for hashes, see InspectorSession).
 *
 * One OpenKeyView per opened key; the session runs its reads one at a time. `current()` turns
 * false once another key is opened or the session closed, and a read that finds it so sends
 * nothing: the page has moved on.
 */
import type { CollectionItem, FieldInfo, KeyMeta, ServerMessage } from '../../../common/protocol/index.ts'
import { globMatch } from './glob.ts'
import type { KeyReader } from './KeyReader.ts'
import { searchValues } from './ValueSearch.ts'

/** A hash up to this many fields is re-read whole after a change. */
export const SMALL_HASH = 1000
/** Strings are shown up to this many bytes. */
const STRING_PREVIEW = 64 * 1024
/** Elements of a list, set, sorted set or stream per page. */
export const PAGE_ITEMS = 200
/** A changed collection is read again up to this many elements (what the page had, at most this). */
const RELOAD_ITEMS_UP_TO = 2000
/** A poll re-reads at most this many of the loaded fields of a large hash (the first ones). */
const POLL_FIELDS = 1000

export type OpenKeyDeps = {
  reader: KeyReader
  send: (message: ServerMessage) => void
  now: () => number
  /** Still the key the page has open (and the session open). */
  current: () => boolean
}

const sameField = (a: FieldInfo | undefined, b: FieldInfo) => a !== undefined && a.value === b.value && a.expiresAt === b.expiresAt

export class OpenKeyView {
  /** Fields the page has, by name. */
  #loaded = new Map<string, FieldInfo>()
  /** Elements of another type the page has (how many, for a reload). */
  #items = 0
  /** Cursor of the next page; "0" when everything matching is loaded. */
  #cursor = '0'
  #meta: KeyMeta | null = null
  /** Bumped by every new value search or view, so a search in progress knows it is stale. */
  #searchId = 0
  /** What the last keyView said of a key that is not a hash, so a poll that finds it unchanged stays quiet. */
  #shown = ''
  /** The elements of another type the page has. */
  #list: CollectionItem[] = []

  constructor(
    readonly key: string,
    readonly match: string,
    private readonly deps: OpenKeyDeps
  ) {}

  async moreFields(cursor: string): Promise<void> {
    if (!this.deps.current() || this.#cursor !== cursor || cursor === '0') return // a stale request
    const page = await this.deps.reader.fieldsPage(this.key, cursor, this.match)
    if (!this.deps.current()) return
    const fresh = page.fields.filter((field) => !this.#loaded.has(field.field))
    for (const field of fresh) this.#loaded.set(field.field, field)
    this.#cursor = page.cursor
    this.deps.send({ type: 'fieldsPage', key: this.key, fields: fresh, cursor: page.cursor, now: this.deps.now() })
  }

  async moreItems(cursor: string): Promise<void> {
    const meta = this.#meta
    if (!this.deps.current() || this.#cursor !== cursor || cursor === '0' || !meta) return
    const page = await this.deps.reader.itemsPage(meta.type, this.key, cursor, PAGE_ITEMS)
    if (!this.deps.current()) return
    this.#items += page.items.length
    this.#cursor = page.cursor
    // What the page now shows, so that a poll finding just this stays quiet.
    this.#list = [...this.#list, ...page.items]
    this.#shown = JSON.stringify([meta, this.#list, null, this.#cursor])
    this.deps.send({ type: 'itemsPage', key: this.key, items: page.items, cursor: page.cursor, now: this.deps.now() })
  }

  /** Every field of the open hash whose value contains `text`, found by walking the whole hash. */
  search(text: string): Promise<void> {
    if (this.#meta?.type !== 'hash' || text.trim() === '') return Promise.resolve()
    const id = ++this.#searchId
    const current = () => this.deps.current() && this.#searchId === id
    return searchValues(this.deps.reader, this.key, text, current, (progress) => {
      // Found fields count as loaded: from now on their changes are pushed like any other's.
      for (const field of progress.fields) this.#loaded.set(field.field, field)
      this.deps.send({ type: 'valueMatches', key: this.key, text, ...progress, now: this.deps.now() })
    })
  }

  /** Reads the key afresh and sends all of it the page sees first; `polled`: quiet when a non-hash is unchanged. */
  async firstPage(items = PAGE_ITEMS, polled = false): Promise<void> {
    const { reader } = this.deps
    const meta = await reader.meta(this.key)
    if (!this.deps.current()) return
    this.#meta = meta
    this.#loaded = new Map()
    this.#items = 0
    this.#cursor = '0'
    this.#searchId++
    let fields: FieldInfo[] = []
    let value: string | null = null
    let list: Awaited<ReturnType<KeyReader['itemsPage']>>['items'] = []
    if (meta?.type === 'hash') {
      const page = await reader.fieldsPage(this.key, '0', this.match)
      fields = page.fields
      this.#cursor = page.cursor
      for (const field of fields) this.#loaded.set(field.field, field)
    } else if (meta?.type === 'string') {
      value = await reader.stringValue(this.key, STRING_PREVIEW)
    } else if (meta) {
      const page = await reader.itemsPage(meta.type, this.key, '0', items)
      list = page.items
      this.#list = list
      this.#items = list.length
      this.#cursor = page.cursor
    }
    if (!this.deps.current()) return
    if (meta?.type !== 'hash') {
      const shown = JSON.stringify([meta, list, value, this.#cursor])
      if (polled && shown === this.#shown) return
      this.#shown = shown
    }
    this.deps.send({
      type: 'keyView',
      key: this.key,
      meta,
      match: this.match,
      fields,
      items: list,
      cursor: this.#cursor,
      value,
      now: this.deps.now(),
    })
  }

  /** After keyspace events (or a poll: the event `poll`): sends what changed. `touched`: fields the terminal named. */
  async refresh(events: Set<string>, touched: Set<string> | undefined): Promise<void> {
    const { reader } = this.deps
    const meta = await reader.meta(this.key)
    const wasHash = this.#meta?.type === 'hash'
    if (meta?.type !== 'hash' || !wasHash) {
      // Created, deleted, replaced by another type, or not a hash: shown afresh, as far as loaded.
      // One more than the page had once it had everything: an unchanged length then reads as complete.
      const had = this.#items + (this.#cursor === '0' && this.#items > 0 ? 1 : 0)
      return this.firstPage(Math.min(RELOAD_ITEMS_UP_TO, Math.max(PAGE_ITEMS, had)), events.has('poll'))
    }
    let upsert: FieldInfo[] = []
    let removed: string[] = []
    if (this.#cursor === '0' && meta.length <= SMALL_HASH) {
      const now = await reader.allFields(this.key, this.match)
      const names = new Set(now.map((field) => field.field))
      upsert = now.filter((field) => !sameField(this.#loaded.get(field.field), field))
      removed = [...this.#loaded.keys()].filter((field) => !names.has(field))
    } else {
      let names: string[]
      if (touched && touched.size > 0) {
        names = [...touched].filter((field) => globMatch(this.match, field))
      } else if (events.size === 1 && events.has('hexpired')) {
        const soon = this.deps.now() + 1000
        names = [...this.#loaded.values()].filter((f) => f.expiresAt !== null && f.expiresAt <= soon).map((f) => f.field)
      } else if ([...events].every((event) => event === 'expire' || event === 'persist')) {
        names = [] // only the key's TTL changed: the meta says it
      } else if (events.has('poll')) {
        names = [...this.#loaded.keys()].slice(0, POLL_FIELDS) // polled: what the page shows first
      } else {
        return this.firstPage() // changed by something that does not say which fields
      }
      const read = await reader.fields(this.key, names)
      names.forEach((name, i) => {
        const field = read[i]!
        if (field === null) {
          if (this.#loaded.has(name)) removed.push(name)
        } else if (!sameField(this.#loaded.get(name), field)) {
          // A new field of a partly loaded hash shows up at once, not on a later page.
          upsert.push(field)
        }
      })
    }
    if (!this.deps.current()) return
    for (const field of upsert) this.#loaded.set(field.field, field)
    for (const name of removed) this.#loaded.delete(name)
    const metaChanged = JSON.stringify(meta) !== JSON.stringify(this.#meta)
    this.#meta = meta
    // A poll that found nothing new says nothing (every few seconds, for a page that shows the same).
    if (events.has('poll') && upsert.length === 0 && removed.length === 0 && !metaChanged) return
    this.deps.send({ type: 'fieldsChanged', key: this.key, upsert, removed, meta, now: this.deps.now() })
  }
}
