/**
 * @module Everything one page of inspect mode has: its terminal on the inspected server, an
 * inspector on the database it shows, the list of databases, and how it stays current (pushed by
 * keyspace notifications, or read again every few seconds while they are off). The inspect
 * gateway makes one per greeted socket and dispatches to it.
 */
import {
  PROTOCOL_VERSION,
  type DatabaseInfo,
  type HelloMessage,
  type InspectorRequest,
  type ServerInfo,
  type ServerMessage,
} from '../../../common/protocol/index.ts'
import { InspectorSession } from '../inspector/InspectorSession.ts'
import { inspectorRequest, isInspectModeRequest } from '../inspector/inspectorRequest.ts'
import { KeyReader } from '../inspector/KeyReader.ts'
import type { KeyspaceWatcher } from '../inspector/KeyspaceWatcher.ts'
import type { ValkeyTarget } from '../config.ts'
import { KeySearchRunner } from './KeySearchRunner.ts'
import { OwnValkeyTerminal } from './OwnValkeyTerminal.ts'
import { readServerView } from './serverView.ts'
import { singleFlight } from './singleFlight.ts'
import { parseKeyspace, withCurrent } from './keyspaceInfo.ts'
import type { LiveState, LiveStatus } from './LiveState.ts'
import { openTarget } from './targetConnection.ts'

export type OwnValkeySocketDeps = {
  endpoint: ValkeyTarget
  fieldExpiry: boolean
  serverInfo: ServerInfo
  /** The gate: null when a command may run, else its refusal. */
  gate: (args: readonly string[], keysInDb: number | null) => string | null
  needsSize: (args: readonly string[]) => boolean
  watcher: KeyspaceWatcher
  live: LiveState
  log: (message: string) => void
}

/**
 * The database list is read again this often (INFO keyspace is cheap; sent only when it changed):
 * the safety net for changes no event tells this page about (another client in another database).
 */
const DATABASES_EVERY_MS = 5000
/**
 * After a key appears or goes (a keyspace event, a poll, a terminal reply), the list is read again
 * this soon, once for a whole burst: on the timer alone the menu said 17 keys for up to 5 s while
 * the list, moved by events, already showed 19.
 */
const DATABASES_AFTER_CHANGE_MS = 250
const DEFAULT_POLL_SECONDS = 2
/** Commands after which the inspector reads everything again: they change keys without notifications. */
const FLUSHES = new Set(['FLUSHDB', 'FLUSHALL', 'SWAPDB'])

export class OwnValkeySocket {
  readonly terminal: OwnValkeyTerminal
  readonly #searches: KeySearchRunner
  #db: number
  #inspector!: InspectorSession
  #stopEvents: () => void = () => undefined
  #databases = ''
  #pollSeconds = DEFAULT_POLL_SECONDS
  #polledAt: number | null = null
  #pollTimer: NodeJS.Timeout | null = null
  #polling = false
  readonly #databasesTimer: NodeJS.Timeout
  #databasesSoon: NodeJS.Timeout | null = null
  // Both read on request (and the counts on a timer and after changes): one read in flight at a time.
  readonly #readDatabases = singleFlight(() => this.#readDatabasesOnce())
  readonly #readServerView = singleFlight(() => this.#readServerViewOnce())
  readonly #stopLive: () => void
  /** Reply ids after which the inspector reads everything again (a flush). */
  readonly #resyncAfter = new Set<number>()
  #closed = false

  constructor(
    private readonly deps: OwnValkeySocketDeps,
    hello: HelloMessage,
    private readonly send: (message: ServerMessage) => void
  ) {
    const inspect = deps.serverInfo.inspect!
    this.#db = inspect.db
    this.terminal = new OwnValkeyTerminal({
      open: (db) => openTarget(deps.endpoint, db, 'terminal', true),
      gate: deps.gate,
      needsSize: deps.needsSize,
      db: inspect.db,
      send,
    })
    // The token is the playground's; inspect mode has none and hands back what it was given.
    send({ type: 'welcome', v: PROTOCOL_VERSION, token: hello.token ?? '', fresh: false, resumed: false, server: deps.serverInfo })
    this.#searches = new KeySearchRunner(deps.endpoint, (message) => !this.#closed && send(message), deps.log)
    this.#startInspector(inspect.db)
    this.#stopLive = deps.live.listen((status) => this.#liveChanged(status))
    this.#liveChanged(deps.live.status)
    this.#databasesTimer = setInterval(() => void this.#sendDatabases(), DATABASES_EVERY_MS)
    this.#databasesTimer.unref()
  }

  /** Every message the server sends this socket passes here first. */
  sent(message: ServerMessage): void {
    if (message.type === 'reply' && this.#resyncAfter.delete(message.id)) {
      this.#inspector.resynced()
      void this.#sendDatabases()
    }
    if (message.type === 'keyChanged' || message.type === 'keys' || message.type === 'reply') this.#databasesAfterChange()
  }

  #databasesAfterChange(): void {
    if (this.#databasesSoon || this.#closed) return
    this.#databasesSoon = setTimeout(() => {
      this.#databasesSoon = null
      void this.#sendDatabases()
    }, DATABASES_AFTER_CHANGE_MS)
    this.#databasesSoon.unref()
  }

  commands(list: readonly { id: number; args: string[] }[]): void {
    for (const { id, args } of list) {
      this.#inspector.noteCommand(args)
      if (FLUSHES.has(args[0]!.toUpperCase())) this.#resyncAfter.add(id)
      this.terminal.command(id, args)
    }
  }

  inspect(message: InspectorRequest): void {
    if (!isInspectModeRequest(message)) return inspectorRequest(this.#inspector, message)
    switch (message.type) {
      case 'selectDb':
        return this.#selectDb(message.db)
      case 'pollEvery':
        this.#pollSeconds = message.seconds
        return this.#liveChanged(this.deps.live.status)
      case 'enableNotifications':
        void this.deps.live.enable().then((result) => this.send({ type: 'notice', level: result.ok ? 'info' : 'error', text: result.text }))
        return
      case 'searchKeys':
        return this.#searches.start(message, this.#db)
      case 'stopKeySearch':
        return this.#searches.stop(message.id)
      case 'serverView':
        return void this.#sendServerView()
      case 'databasesNow':
        return void this.#sendDatabases()
      default: {
        const unreachable: never = message
        return unreachable
      }
    }
  }

  #sendServerView(): Promise<void> {
    return this.#readServerView()
  }

  async #readServerViewOnce(): Promise<void> {
    try {
      const view = await readServerView(this.deps.endpoint, this.#db)
      if (!this.#closed) this.send(view)
    } catch (error) {
      if (!this.#closed)
        this.send({ type: 'notice', level: 'error', text: `The server view could not be read: ${(error as Error).message}` })
    }
  }

  cancel(): void {
    this.terminal.cancel().catch((error: Error) => this.deps.log(`cancel failed: ${error.message}`))
  }

  close(): void {
    this.#closed = true
    this.#searches.close()
    clearInterval(this.#databasesTimer)
    if (this.#databasesSoon) clearTimeout(this.#databasesSoon)
    if (this.#pollTimer) clearInterval(this.#pollTimer)
    this.#stopLive()
    this.#stopEvents()
    this.#inspector.close()
    this.terminal.close()
  }

  // ------------------------------------------------------------ the database shown

  #startInspector(db: number): void {
    const { endpoint, fieldExpiry, watcher, log } = this.deps
    const reader = new KeyReader(() => openTarget(endpoint, db, `inspector-${db}`), fieldExpiry)
    this.#inspector = new InspectorSession({ reader, send: this.send, log })
    this.#stopEvents = watcher.listen(db, this.#inspector)
  }

  #selectDb(db: number): void {
    // The same database again still gets its answer: the page waits for it before asking for keys.
    if (db !== this.#db) {
      this.#stopEvents()
      this.#inspector.close()
      this.#db = db
      this.#startInspector(db)
    }
    // Everything the page gets after this is about the new database.
    this.send({ type: 'inspectorDb', db })
    void this.#sendDatabases()
  }

  #sendDatabases(): Promise<void> {
    return this.#readDatabases()
  }

  async #readDatabasesOnce(): Promise<void> {
    const inspector = this.#inspector
    let list: DatabaseInfo[] = []
    try {
      const reply = await inspector.query(['INFO', 'keyspace'])
      if (reply.t === 'bulk') list = parseKeyspace(reply.s)
      else {
        // A user without INFO (it is @dangerous) still learns the size of the database shown.
        const size = await inspector.query(['DBSIZE'])
        if (size.t === 'int') list = [{ db: this.#db, keys: Number(size.n), expires: 0 }]
      }
    } catch (error) {
      // A read that failed (the connection of a database the page just left, a lost server) says
      // nothing about the databases: the page keeps the list it has.
      this.deps.log(`inspect: INFO keyspace failed: ${(error as Error).message}`)
      return
    }
    if (inspector !== this.#inspector) return
    const shown = withCurrent(list, this.#db)
    const key = JSON.stringify(shown)
    if (this.#closed || key === this.#databases) return
    this.#databases = key
    this.send({ type: 'databases', list: shown, now: Date.now() })
  }

  // ------------------------------------------------------------ live or polled

  #liveChanged(status: LiveStatus): void {
    if (this.#closed) return
    if (this.#pollTimer) clearInterval(this.#pollTimer)
    this.#pollTimer = null
    if (status.mode === 'polling') {
      this.#pollTimer = setInterval(() => void this.#poll(), this.#pollSeconds * 1000)
      this.#pollTimer.unref()
    } else {
      // Events were not listened for while polling: what is shown is read once more.
      this.#inspector.resynced()
    }
    this.#sendLive()
    void this.#sendDatabases()
  }

  async #poll(): Promise<void> {
    if (this.#polling || this.#closed) return // a slow server: one poll at a time
    this.#polling = true
    try {
      await this.#inspector.poll()
      await this.#sendDatabases()
      this.#polledAt = Date.now()
      this.#sendLive()
    } finally {
      this.#polling = false
    }
  }

  #sendLive(): void {
    const status = this.deps.live.status
    this.send({ type: 'live', ...status, pollSeconds: this.#pollSeconds, polledAt: status.mode === 'polling' ? this.#polledAt : null })
  }
}
