/**
 * @module How much memory each sandbox's data takes, measured by Valkey itself.
 *
 * Valkey has one `maxmemory` for the whole server and no per-database figure, so the meter keeps
 * its own: for every key a sandbox holds, the bytes `MEMORY USAGE` reports for it (Valkey's
 * estimate of the key, its value and their overhead; big collections are sampled). Keyspace
 * notifications say which keys changed, whoever changed them (a command, a script, an expiry);
 * changed keys are measured again in pipelined batches a moment later, and removed keys drop out.
 * A sandbox's usage is the sum over its keys.
 *
 * Limits, by design:
 * - The figure trails writes by one batch (about 100 ms): a flood can pass the quota by what it
 *   writes in that time before the quota gate sees it.
 * - FLUSHDB raises no keyspace event; the terminal reports it (reset), and `confirm` checks the
 *   key count against Valkey before a sandbox is refused, measuring everything again when they
 *   differ.
 * - Events are lost while the watcher is reconnecting (Valkey restarted): `resyncAll` measures
 *   every sandbox again then.
 * - Memory outside keys (client buffers, the Lua heap) is not anyone's usage.
 */
import type { ValkeyTarget } from '../config.ts'
import type { Reply } from '../../../common/protocol/index.ts'
import { LazyConnection } from '../resp/LazyConnection.ts'
import type { RespConnection } from '../resp/RespConnection.ts'
import { openAdminConnection } from '../valkey/adminConnection.ts'

/** Keys measured per batch; a bigger backlog is taken in turns. */
const BATCH = 1000
/** How long changes are gathered before they are measured. */
const FLUSH_DELAY_MS = 100
/** Pause between batches while a backlog is worked off. */
const BACKLOG_DELAY_MS = 10
/** Keys asked for per SCAN call when a whole sandbox is measured. */
const SCAN_COUNT = '1000'
/** A sandbox's count is checked against Valkey at most this often when it is refused. */
const CONFIRM_EVERY_MS = 1000

/** Events after which a key no longer exists in its database. */
const GONE = new Set(['del', 'expired', 'evicted', 'rename_from', 'move_from'])

type Sandbox = {
  keys: Map<string, number>
  total: number
  dirty: Set<string>
  /** Keys whose MEMORY USAGE is on its way: a change meanwhile makes them dirty again. */
  measuring: Set<string>
  /** A full measurement is running: keys touched meanwhile are measured again after it. */
  scanning: Set<string> | null
  confirmed: number
}

export type MemoryMeterOptions = {
  target: ValkeyTarget
  log?: (message: string) => void
}

export class MemoryMeter {
  #sandboxes = new Map<number, Sandbox>()
  readonly #connection = new LazyConnection(() => openAdminConnection(this.options.target, 'memory-meter'))
  #timer: NodeJS.Timeout | null = null
  #flushing: Promise<void> | null = null
  #closed = false

  constructor(private readonly options: MemoryMeterOptions) {}

  /** Bytes the sandbox's keys take, as last measured. */
  usage(db: number): number {
    return this.#sandboxes.get(db)?.total ?? 0
  }

  /** A key of this database changed (keyspace notification). */
  event(db: number, key: string, event: string): void {
    const sandbox = this.#sandbox(db)
    sandbox.scanning?.add(key)
    if (GONE.has(event)) {
      this.#drop(sandbox, key)
      // A measurement on its way may have been taken before the key went: take it again.
      if (sandbox.measuring.has(key)) this.#markDirty(sandbox, key)
      else sandbox.dirty.delete(key)
      return
    }
    this.#markDirty(sandbox, key)
  }

  #markDirty(sandbox: Sandbox, key: string): void {
    sandbox.dirty.add(key)
    this.#schedule(FLUSH_DELAY_MS)
  }

  /** The database was emptied (FLUSHDB, or it changed hands). */
  reset(db: number): void {
    const sandbox = this.#sandboxes.get(db)
    if (!sandbox) return
    sandbox.keys.clear()
    sandbox.total = 0
    sandbox.dirty.clear()
    sandbox.scanning?.clear()
  }

  /**
   * Before a sandbox is refused for its usage: measures what is pending, and when the number of
   * keys Valkey has differs from the meter's (a FLUSHDB inside a script), measures every key again.
   * Resolves with the usage then.
   */
  async confirm(db: number): Promise<number> {
    const sandbox = this.#sandbox(db)
    await this.flush()
    if (Date.now() - sandbox.confirmed < CONFIRM_EVERY_MS) return sandbox.total
    sandbox.confirmed = Date.now()
    const connection = await this.#open()
    const [, size] = await Promise.all([connection.send(['SELECT', String(db)]), connection.send(['DBSIZE'])])
    if (size?.t === 'int' && Number(size.n) !== sandbox.keys.size) await this.measureAll(db)
    return sandbox.total
  }

  /** Measures every key of a database from scratch (after a restart, or when the count is off). */
  async measureAll(db: number): Promise<void> {
    const sandbox = this.#sandbox(db)
    if (sandbox.scanning) return
    const touched = new Set<string>()
    sandbox.scanning = touched
    const fresh = new Map<string, number>()
    try {
      const connection = await this.#open()
      let cursor = '0'
      do {
        const [, scan] = await Promise.all([
          connection.send(['SELECT', String(db)]),
          connection.send(['SCAN', cursor, 'COUNT', SCAN_COUNT]),
        ])
        if (scan?.t !== 'arr' || scan.a[0]?.t !== 'bulk' || scan.a[1]?.t !== 'arr') throw new Error('unexpected SCAN reply')
        cursor = scan.a[0].s
        const keys = scan.a[1].a.flatMap((item) => (item.t === 'bulk' ? [item.s] : []))
        const sizes = await this.#measure(connection, db, keys)
        keys.forEach((key, index) => {
          const bytes = sizes[index]
          if (bytes !== undefined) fresh.set(key, bytes)
        })
      } while (cursor !== '0' && !this.#closed)
    } finally {
      sandbox.scanning = null
    }
    // Keys changed while the scan ran may have been read before the change: measure them again.
    for (const key of touched) {
      fresh.delete(key)
      sandbox.dirty.add(key)
    }
    sandbox.keys = fresh
    sandbox.total = 0
    for (const bytes of fresh.values()) sandbox.total += bytes
    if (sandbox.dirty.size > 0) this.#schedule(FLUSH_DELAY_MS)
  }

  /** Measures every sandbox again, one after another (events were lost while Valkey was away). */
  async resyncAll(databases: Iterable<number>): Promise<void> {
    for (const db of databases) {
      if (this.#closed) return
      await this.measureAll(db).catch((error: Error) => this.options.log?.(`memory meter: database ${db}: ${error.message}`))
    }
  }

  /** Measures the keys changed so far; resolves when they are counted. */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer)
      this.#timer = null
    }
    this.#flushing ??= this.#flushAll().finally(() => {
      this.#flushing = null
      // A backlog (a flood of new keys) is taken batch after batch, with a breath between.
      if ([...this.#sandboxes.values()].some((sandbox) => sandbox.dirty.size > 0)) this.#schedule(BACKLOG_DELAY_MS)
    })
    return this.#flushing
  }

  close(): void {
    this.#closed = true
    if (this.#timer) clearTimeout(this.#timer)
    void this.#connection.drop()
  }

  #sandbox(db: number): Sandbox {
    let sandbox = this.#sandboxes.get(db)
    if (!sandbox) {
      sandbox = { keys: new Map(), total: 0, dirty: new Set(), measuring: new Set(), scanning: null, confirmed: 0 }
      this.#sandboxes.set(db, sandbox)
    }
    return sandbox
  }

  #drop(sandbox: Sandbox, key: string): void {
    const bytes = sandbox.keys.get(key)
    if (bytes === undefined) return
    sandbox.total -= bytes
    sandbox.keys.delete(key)
  }

  #schedule(delayMs: number): void {
    if (this.#timer || this.#closed) return
    this.#timer = setTimeout(() => {
      this.#timer = null
      this.flush().catch((error: Error) => this.options.log?.(`memory meter: ${error.message}`))
    }, delayMs)
    this.#timer.unref()
  }

  async #flushAll(): Promise<void> {
    const connection = await this.#open()
    let budget = BATCH
    for (const [db, sandbox] of this.#sandboxes) {
      if (sandbox.dirty.size === 0) continue
      const keys: string[] = []
      for (const key of sandbox.dirty) {
        if (keys.length >= budget) break
        keys.push(key)
      }
      for (const key of keys) {
        sandbox.dirty.delete(key)
        sandbox.measuring.add(key)
      }
      budget -= keys.length
      const sizes = await this.#measure(connection, db, keys).finally(() => {
        for (const key of keys) sandbox.measuring.delete(key)
      })
      keys.forEach((key, index) => {
        // Changed again meanwhile: the newer measurement will count it.
        if (sandbox.dirty.has(key)) return
        this.#drop(sandbox, key)
        const bytes = sizes[index]
        if (bytes !== undefined) {
          sandbox.keys.set(key, bytes)
          sandbox.total += bytes
        }
      })
      if (budget <= 0) break
    }
  }

  /** MEMORY USAGE of each key, pipelined; undefined where the key is gone. */
  async #measure(connection: RespConnection, db: number, keys: string[]): Promise<(number | undefined)[]> {
    if (keys.length === 0) return []
    // Awaited together: a connection that closes mid-batch rejects every reply, and each rejection
    // must be handled (Node ends the process on one that is not).
    const [selected, ...replies] = await Promise.all([
      connection.send(['SELECT', String(db)]),
      ...keys.map((key) => connection.send(['MEMORY', 'USAGE', key])),
    ])
    if (selected!.t === 'err') throw new Error(`SELECT ${db}: ${selected!.s}`)
    return replies.map((reply: Reply) => (reply.t === 'int' ? Number(reply.n) : undefined))
  }

  #open(): Promise<RespConnection> {
    if (this.#closed) return Promise.reject(new Error('memory meter closed'))
    return this.#connection.get()
  }
}
