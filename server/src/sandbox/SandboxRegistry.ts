/**
 * @module Which browser owns which database, and the recycling of idle ones.
 *
 * A browser holds an unguessable token; the registry keeps only its SHA-256,
 * mapped to a sandbox: one database on one server of the pool, named by its
 * number (pool/sandboxNumber.ts; on the first server the number is the
 * database). The mapping lives in memory and is written through to a hash in
 * the control database, so a proxy restarted against persistent VALKEY_URL
 * servers gives everyone their data back, and it never hands a database that
 * still holds data it does not know about to anyone.
 *
 * A new sandbox goes to the server with the smallest share of its databases
 * in use (the first of equals), so no server fills while another has room; a
 * sandbox stays where it was made for as long as it exists, so its data never
 * moves. Each server's own admin client sizes, flushes and fences its
 * databases (DBSIZE, FLUSHDB, ACL SETUSER, CLIENT KILL).
 *
 * Sandboxes are released as early as is safe, so a burst of throwaway sockets cannot keep them:
 * one that never stored anything goes as soon as its last socket closes, one emptied again after
 * a few minutes, any other after the idle limit. One client address may hold only a share of
 * them. Allocation, release and the sweep all run one at a time (the lock), so a token resumed
 * while its sandbox is being recycled either gets it before, or a new one after, never a
 * database the registry has just let go.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { AdminClient } from '../valkey/adminClient.ts'
import { placementOrder } from '../pool/placement.ts'
import { placeOf, sandboxNumber } from '../pool/sandboxNumber.ts'
import type { SandboxUsers } from './aclRules.ts'
import { SandboxServers, type RegistryServer, type SandboxPlace } from './sandboxServers.ts'

export type { RegistryServer, SandboxPlace } from './sandboxServers.ts'

const REGISTRY_KEY = 'playground:sandboxes'
/** How many released, never-used tokens are remembered (64 bytes each). */
const RELEASED_REMEMBERED = 10_000

type SandboxRecord = {
  /** The sandbox's number (named `db` since before pools: on the first server it is the database). */
  db: number
  tokenHash: string
  createdAt: number
  lastSeenAt: number
  /** Where the browser that made it connected from: the per-address limit counts these. */
  address?: string
  /** Something was stored in it (a key was written, mission progress saved). */
  used?: boolean
}

export type SandboxLease = {
  token: string
  /** The sandbox's ACL users on its server (users.db is the real database there). */
  users: SandboxUsers
  sandbox: SandboxPlace
  /** The token was unknown (or absent) and a new, empty sandbox was made. */
  fresh: boolean
  /** The sandbox existed before this attach. */
  resumed: boolean
}

export class SandboxUnavailableError extends Error {
  override name = 'SandboxUnavailableError'
}

export type RegistryOptions = {
  /** The client on the control (bookkeeping) database, where the registry hash lives. */
  control: AdminClient
  /** The pool's servers, in pool order. */
  servers: RegistryServer[]
  idleMs: number
  /** A sandbox that was used but is empty again is released after this long without a connection. */
  emptyIdleMs?: number
  /** Most sandboxes one client address may hold at once. */
  perAddress?: number
  /** Secret the ACL passwords are derived from; new each process. */
  secret: string
  now?: () => number
  log?: (message: string) => void
  /** Drops what else the playground keeps about a sandbox (mission progress) when it changes hands. */
  forget?: (place: SandboxPlace) => Promise<void>
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

const placeOfNumber = (number: number): SandboxPlace => ({ number, ...placeOf(number) })

export class SandboxRegistry {
  #byToken = new Map<string, SandboxRecord>()
  /** By sandbox number. */
  #byDb = new Map<number, SandboxRecord>()
  /** Sandboxes held per server, for placement. */
  #held: number[]
  /** Open connections per sandbox; a sandbox with any is never idle. */
  #live = new Map<number, number>()
  /** Sandboxes (numbers) found holding data the playground did not put there. */
  #foreign = new Set<number>()
  /**
   * Tokens whose sandbox was released because it never held anything (most recent last, bounded).
   * Such a browser coming back (a reload, a wifi drop) lost nothing, so it gets a new sandbox
   * under the same token and no "your sandbox is gone" warning.
   */
  #releasedUnused = new Set<string>()
  /** Serialises allocations so two browsers never get the same database. */
  #lock: Promise<unknown> = Promise.resolve()
  readonly #now: () => number
  readonly #servers: SandboxServers

  constructor(private readonly options: RegistryOptions) {
    this.#now = options.now ?? Date.now
    this.#servers = new SandboxServers(options.servers, options.secret)
    this.#held = options.servers.map(() => 0)
  }

  /** Sandboxes the whole pool can hold. */
  get capacity(): number {
    return this.options.servers.reduce((sum, server) => sum + server.databases.length, 0)
  }

  get size(): number {
    return this.#byDb.size
  }

  /** Resolves once every allocation, release and sweep queued so far has finished. */
  settled(): Promise<void> {
    return this.#lock.then(() => undefined)
  }

  /** Sandboxes held on server `index` now, and how many databases it has for them. */
  onServer(index: number): { held: number; capacity: number } {
    return { held: this.#held[index] ?? 0, capacity: this.options.servers[index]?.databases.length ?? 0 }
  }

  /** The databases of server `index` handed out now (real database numbers there). */
  databasesInUse(index: number): number[] {
    return [...this.#byDb.keys()].map(placeOf).flatMap((place) => (place.server === index ? [place.db] : []))
  }

  /** Loads the mapping a previous proxy left in the control database. */
  async load(): Promise<void> {
    const stored = (await this.options.control.call('hgetall', REGISTRY_KEY)) as string[]
    const allowed = new Set(this.options.servers.flatMap((server, index) => server.databases.map((db) => sandboxNumber(index, db))))
    for (let i = 0; i + 1 < stored.length; i += 2) {
      try {
        const record = JSON.parse(stored[i + 1]!) as SandboxRecord
        if (record.tokenHash === stored[i] && allowed.has(record.db) && !this.#byDb.has(record.db)) {
          // Written by a version that did not track use: keep it as if used.
          record.used ??= true
          this.#remember(record)
        }
      } catch {
        // A corrupt entry is dropped; its database is treated as foreign until flushed.
      }
    }
  }

  /**
   * Writes the whole mapping back and configures the sandboxes' users again, e.g. after a server
   * restarted (its append-only file may lack the last second). `server`: only that server's users
   * (the mapping is written back whole: the control database may be on the server that restarted).
   */
  async restore(server?: number): Promise<void> {
    for (const record of this.#byDb.values()) await this.#persist(record)
    for (const record of this.#byDb.values()) {
      const place = placeOfNumber(record.db)
      if (server === undefined || place.server === server) await this.#servers.configureUsers(place)
    }
  }

  /** Runs `work` when everything queued before it is done; allocation, release and sweep never overlap. */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(work)
    this.#lock = run.catch(() => undefined)
    return run
  }

  /**
   * Finds the sandbox for a token, or makes a new one (with a new token). The lease counts as an
   * open connection until connectionClosed(lease.sandbox.number) is called for it, which the caller must do once,
   * also when its socket closed before the lease arrived.
   */
  attach(token: string | null, address = ''): Promise<SandboxLease> {
    return this.#serial(() => this.#attach(token, address))
  }

  async #attach(token: string | null, address: string): Promise<SandboxLease> {
    const known = token ? this.#byToken.get(hashToken(token)) : undefined
    if (token && known) {
      known.lastSeenAt = this.#now()
      this.connectionOpened(known.db)
      await this.#persist(known)
      const sandbox = placeOfNumber(known.db)
      const users = await this.#servers.configureUsers(sandbox)
      return { token, users, sandbox, fresh: false, resumed: true }
    }
    const limit = this.options.perAddress ?? Infinity
    if (address && this.#heldBy(address) >= limit) {
      throw new SandboxUnavailableError(
        `this address already holds ${limit} sandboxes, the most one address may have; ` +
          `close some playground tabs (an unused sandbox is released when its tab closes)`
      )
    }
    const sandbox = await this.#freeSandbox()
    await this.options.forget?.(sandbox)
    const returning = token !== null && this.#releasedUnused.delete(hashToken(token))
    const newToken = returning ? token : randomBytes(32).toString('base64url')
    const now = this.#now()
    const record: SandboxRecord = {
      db: sandbox.number,
      tokenHash: hashToken(newToken),
      createdAt: now,
      lastSeenAt: now,
      address,
      used: false,
    }
    this.#remember(record)
    this.connectionOpened(sandbox.number)
    await this.#persist(record)
    const users = await this.#servers.configureUsers(sandbox)
    return { token: newToken, users, sandbox, fresh: !returning, resumed: returning }
  }

  connectionOpened(db: number): void {
    this.#live.set(db, (this.#live.get(db) ?? 0) + 1)
  }

  /**
   * One connection to the sandbox ended. The last one of a sandbox that never stored anything
   * releases it at once (a page opened and closed, or a script opening sockets, keeps nothing).
   * Returns when that release, if any, is done.
   */
  connectionClosed(db: number): Promise<void> {
    const count = (this.#live.get(db) ?? 1) - 1
    if (count > 0) this.#live.set(db, count)
    else this.#live.delete(db)
    const record = this.#byDb.get(db)
    if (!record) return Promise.resolve()
    record.lastSeenAt = this.#now()
    if (count > 0 || record.used) return this.#persist(record).catch(() => undefined)
    return this.#serial(async () => {
      // Checked again in the queue: a reload may have taken it back meanwhile.
      if (this.#live.has(db) || record.used || this.#byDb.get(db) !== record) return
      await this.#recycle(record, 'its tab closed and it never stored anything')
      this.#releasedUnused.add(record.tokenHash)
      if (this.#releasedUnused.size > RELEASED_REMEMBERED) {
        this.#releasedUnused.delete(this.#releasedUnused.values().next().value!)
      }
    }).catch((error: Error) => this.options.log?.(`releasing sandbox ${db} failed: ${error.message}`))
  }

  /** Something was stored in the sandbox (a keyspace event, saved progress): keep it after its tab closes. */
  markUsed(db: number): void {
    const record = this.#byDb.get(db)
    if (!record || record.used) return
    record.used = true
    this.#persist(record).catch(() => undefined)
  }

  /**
   * Flushes and frees every sandbox without a connection that has been idle longer than the
   * limit, or empty for longer than the shorter one. Returns how many.
   */
  sweep(): Promise<number> {
    return this.#serial(async () => {
      const now = this.#now()
      const emptyIdleMs = this.options.emptyIdleMs ?? this.options.idleMs
      let recycled = 0
      for (const record of [...this.#byDb.values()]) {
        if (this.#live.has(record.db)) {
          record.lastSeenAt = now
          continue
        }
        const idle = now - record.lastSeenAt
        if (idle >= this.options.idleMs) {
          await this.#recycle(record, 'it was idle')
          recycled++
        } else if (idle >= emptyIdleMs) {
          if ((await this.#servers.size(placeOf(record.db))) !== 0) continue
          await this.#recycle(record, 'it was empty')
          recycled++
        }
      }
      return recycled
    })
  }

  #heldBy(address: string): number {
    let held = 0
    for (const record of this.#byDb.values()) if (record.address === address) held++
    return held
  }

  async #recycle(record: SandboxRecord, why: string): Promise<void> {
    const place = placeOfNumber(record.db)
    await this.#servers.empty(place)
    await this.options.forget?.(place)
    await this.options.control.call('hdel', REGISTRY_KEY, record.tokenHash)
    this.#byToken.delete(record.tokenHash)
    this.#byDb.delete(record.db)
    this.#held[place.server]!--
    const where = place.server === 0 ? `database ${place.db}` : `database ${place.db} of server ${place.server}`
    this.options.log?.(`sandbox in ${where} has been recycled: ${why}`)
  }

  #remember(record: SandboxRecord): void {
    this.#byToken.set(record.tokenHash, record)
    this.#byDb.set(record.db, record)
    this.#held[placeOf(record.db).server]!++
  }

  async #persist(record: SandboxRecord): Promise<void> {
    await this.options.control.call('hset', REGISTRY_KEY, record.tokenHash, JSON.stringify(record))
  }

  /**
   * An empty database on the server with the smallest share in use (the first of equals). A
   * server that cannot be asked now (restarting) is passed over for the next one.
   */
  async #freeSandbox(): Promise<SandboxPlace> {
    const order = placementOrder(
      this.#held,
      this.options.servers.map((server) => server.databases.length)
    )
    let unreachable: Error | null = null
    for (const server of order) {
      try {
        const found = await this.#freeDatabaseOn(server)
        if (found) return found
      } catch (error) {
        unreachable = error as Error
        this.options.log?.(`server ${server} of the pool cannot take a sandbox now: ${unreachable.message}`)
      }
    }
    if (unreachable) throw unreachable
    throw new SandboxUnavailableError(
      `all ${this.capacity} sandboxes are in use; an idle one is recycled after ` +
        `${Math.round(this.options.idleMs / 60_000)} minutes without a connection`
    )
  }

  async #freeDatabaseOn(server: number): Promise<SandboxPlace | null> {
    for (const db of this.options.servers[server]!.databases) {
      const number = sandboxNumber(server, db)
      if (this.#byDb.has(number) || this.#foreign.has(number)) continue
      if ((await this.#servers.size({ server, db })) === 0) return { number, server, db }
      this.#foreign.add(number)
      const where = server === 0 ? `database ${db}` : `database ${db} of server ${server}`
      this.options.log?.(`${where} holds data the playground did not create; it will not be used`)
    }
    return null
  }
}
