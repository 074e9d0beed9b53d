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
import { LIMITS, type KeyInfo, type ServerMessage } from '../../../common/protocol/index.ts'
import { globMatch } from './glob.ts'
import type { KeyReader } from './KeyReader.ts'
import type { KeyspaceListener } from './KeyspaceWatcher.ts'
import { touchedFields } from './touchedFields.ts'
import { OpenKeyView } from './OpenKeyView.ts'

/** Most events kept for one refresh's message (older ones in a burst are dropped). */
const EVENTS_PER_MESSAGE = 200

export type InspectorDeps = {
  reader: KeyReader
  send: (message: ServerMessage) => void
  now?: () => number
  log?: (message: string) => void
}

const sameInfo = (a: KeyInfo | undefined, b: KeyInfo | null) =>
  (a === undefined && b === null) || (a !== undefined && b !== null && a.type === b.type && a.expiresAt === b.expiresAt)

export class InspectorSession implements KeyspaceListener {
  #pattern: string | null = null
  #keys = new Map<string, KeyInfo>()
  /** SCAN cursor of the key list's next page; "0" when every matching key is listed. */
  #keysCursor = '0'
  #open: OpenKeyView | null = null
  /** Dirty keys and the events seen for each since the last refresh. */
  #dirty = new Map<string, Set<string>>()
  /** Fields named by the terminal's recent hash commands, per key. */
  #touched = new Map<string, Set<string>>()
  #resyncAll = false
  #events: { key: string; event: string; at: number }[] = []
  #eventsScheduled = false
  #chain: Promise<void> = Promise.resolve()
  #refreshQueued = false
  /** The last failure the page was told about. */
  #lastFailure: string | null = null
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
    const view: OpenKeyView = new OpenKeyView(key, match, {
      reader: this.deps.reader,
      send: (message) => this.#send(message),
      now: () => this.#now,
      current: () => !this.#closed && this.#open === view,
    })
    this.#open = view
    this.#enqueue(() => view.firstPage())
  }

  moreFields(key: string, cursor: string): void {
    const view = this.#open
    if (view?.key === key) this.#enqueue(() => view.moreFields(cursor))
  }

  moreItems(key: string, cursor: string): void {
    const view = this.#open
    if (view?.key === key) this.#enqueue(() => view.moreItems(cursor))
  }

  /** Every field of the open hash whose value contains `text`, found by walking the whole hash. */
  searchValues(key: string, text: string): void {
    const view = this.#open
    if (view?.key === key) this.#enqueue(() => view.search(text))
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
          await this.#open?.refresh(new Set(['poll']), undefined)
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
    this.#chain = this.#chain.then(() => (this.#closed ? undefined : task())).catch((error: Error) => this.#failed(error))
  }

  /**
   * A read failed (a reply too large, a right the user lacks, the server gone): the page is told,
   * once per distinct reason (a poll every few seconds must not repeat it), and the next read
   * tries again.
   */
  #failed(error: Error): void {
    this.deps.log?.(`inspector: ${error.message}`)
    if (error.message === this.#lastFailure) return
    this.#lastFailure = error.message
    this.#send({ type: 'notice', level: 'warn', text: `The inspector could not read what it shows: ${error.message}` })
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
    if (open && dirty.has(open.key)) await open.refresh(dirty.get(open.key)!, touched.get(open.key))
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
}
