/**
 * @module Which browser owns which database, and the recycling of idle ones.
 *
 * A browser holds an unguessable token; the registry keeps only its SHA-256,
 * mapped to a database number. The mapping lives in memory and is written
 * through to a hash in the control database, so a proxy restarted against a
 * persistent VALKEY_URL server gives everyone their data back, and it never
 * hands a database that still holds data it does not know about to anyone.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { AdminClient } from '../valkey/adminClient.ts'
import { runInDb } from '../valkey/runInDb.ts'
import { sandboxUsers, subscriberUserRules, terminalUserRules, type SandboxUsers } from './aclRules.ts'

const REGISTRY_KEY = 'playground:sandboxes'

type SandboxRecord = { db: number; tokenHash: string; createdAt: number; lastSeenAt: number }

export type SandboxLease = {
  token: string
  users: SandboxUsers
  /** The token was unknown (or absent) and a new, empty sandbox was made. */
  fresh: boolean
  /** The sandbox existed before this attach. */
  resumed: boolean
}

export class SandboxUnavailableError extends Error {
  override name = 'SandboxUnavailableError'
}

export type RegistryOptions = {
  admin: AdminClient
  controlDb: number
  /** Databases that may be handed out, lowest first. */
  databases: number[]
  idleMs: number
  databaseAcl: boolean
  /** Secret the ACL passwords are derived from; new each process. */
  secret: string
  now?: () => number
  log?: (message: string) => void
  /** Drops what else the playground keeps about a database (mission progress) when it changes hands. */
  forget?: (db: number) => Promise<void>
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

export class SandboxRegistry {
  #byToken = new Map<string, SandboxRecord>()
  #byDb = new Map<number, SandboxRecord>()
  /** Open connections per database; a sandbox with any is never idle. */
  #live = new Map<number, number>()
  /** Databases found holding data the playground did not put there. */
  #foreign = new Set<number>()
  /** Serialises allocations so two browsers never get the same database. */
  #lock: Promise<unknown> = Promise.resolve()
  readonly #now: () => number

  constructor(private readonly options: RegistryOptions) {
    this.#now = options.now ?? Date.now
  }

  get capacity(): number {
    return this.options.databases.length
  }

  get size(): number {
    return this.#byDb.size
  }

  /** Loads the mapping a previous proxy left in the control database. */
  async load(): Promise<void> {
    const stored = (await this.options.admin.call('hgetall', REGISTRY_KEY)) as string[]
    const allowed = new Set(this.options.databases)
    for (let i = 0; i + 1 < stored.length; i += 2) {
      try {
        const record = JSON.parse(stored[i + 1]!) as SandboxRecord
        if (record.tokenHash === stored[i] && allowed.has(record.db) && !this.#byDb.has(record.db)) {
          this.#remember(record)
        }
      } catch {
        // A corrupt entry is dropped; its database is treated as foreign until flushed.
      }
    }
  }

  /** Writes the whole mapping back, e.g. after the embedded server restarted empty. */
  async restore(): Promise<void> {
    for (const record of this.#byDb.values()) await this.#persist(record)
    for (const record of this.#byDb.values()) await this.#configureUsers(sandboxUsers(record.db, this.options.secret))
  }

  /** Finds the sandbox for a token, or makes a new one (with a new token). */
  attach(token: string | null): Promise<SandboxLease> {
    const run = this.#lock.then(() => this.#attach(token))
    this.#lock = run.catch(() => undefined)
    return run
  }

  async #attach(token: string | null): Promise<SandboxLease> {
    const known = token ? this.#byToken.get(hashToken(token)) : undefined
    if (token && known) {
      known.lastSeenAt = this.#now()
      await this.#persist(known)
      const users = sandboxUsers(known.db, this.options.secret)
      await this.#configureUsers(users)
      return { token, users, fresh: false, resumed: true }
    }
    const db = await this.#freeDatabase()
    await this.options.forget?.(db)
    const newToken = randomBytes(32).toString('base64url')
    const now = this.#now()
    const record: SandboxRecord = { db, tokenHash: hashToken(newToken), createdAt: now, lastSeenAt: now }
    this.#remember(record)
    await this.#persist(record)
    const users = sandboxUsers(db, this.options.secret)
    await this.#configureUsers(users)
    return { token: newToken, users, fresh: true, resumed: false }
  }

  connectionOpened(db: number): void {
    this.#live.set(db, (this.#live.get(db) ?? 0) + 1)
  }

  connectionClosed(db: number): void {
    const count = (this.#live.get(db) ?? 1) - 1
    if (count > 0) this.#live.set(db, count)
    else this.#live.delete(db)
    const record = this.#byDb.get(db)
    if (record) {
      record.lastSeenAt = this.#now()
      this.#persist(record).catch(() => undefined)
    }
  }

  /** Flushes and frees every sandbox idle for longer than the limit. Returns how many. */
  async sweep(): Promise<number> {
    const now = this.#now()
    let recycled = 0
    for (const record of [...this.#byDb.values()]) {
      if (this.#live.has(record.db)) {
        record.lastSeenAt = now
        continue
      }
      if (now - record.lastSeenAt < this.options.idleMs) continue
      await this.#recycle(record)
      recycled++
    }
    return recycled
  }

  async #recycle(record: SandboxRecord): Promise<void> {
    const { admin } = this.options
    const users = sandboxUsers(record.db, this.options.secret)
    // Nobody should be connected, but make sure no stray client keeps using it.
    await admin.call('client', 'kill', 'user', users.terminalUser).catch(() => undefined)
    await admin.call('client', 'kill', 'user', users.subscriberUser).catch(() => undefined)
    await runInDb(admin, record.db, ['FLUSHDB'])
    await this.options.forget?.(record.db)
    await admin.call('hdel', REGISTRY_KEY, record.tokenHash)
    this.#byToken.delete(record.tokenHash)
    this.#byDb.delete(record.db)
    this.options.log?.(`sandbox in database ${record.db} was idle and has been recycled`)
  }

  #remember(record: SandboxRecord): void {
    this.#byToken.set(record.tokenHash, record)
    this.#byDb.set(record.db, record)
  }

  async #persist(record: SandboxRecord): Promise<void> {
    await this.options.admin.call('hset', REGISTRY_KEY, record.tokenHash, JSON.stringify(record))
  }

  async #configureUsers(users: SandboxUsers): Promise<void> {
    const { admin, databaseAcl } = this.options
    await admin.call('acl', 'setuser', users.terminalUser, ...terminalUserRules(users, databaseAcl))
    await admin.call('acl', 'setuser', users.subscriberUser, ...subscriberUserRules(users, databaseAcl))
  }

  async #freeDatabase(): Promise<number> {
    for (const db of this.options.databases) {
      if (this.#byDb.has(db) || this.#foreign.has(db)) continue
      const [size] = await runInDb(this.options.admin, db, ['DBSIZE'])
      if (Number(size) === 0) return db
      this.#foreign.add(db)
      this.options.log?.(`database ${db} holds data the playground did not create; it will not be used`)
    }
    throw new SandboxUnavailableError(
      `all ${this.capacity} sandboxes are in use; an idle one is recycled after ` +
        `${Math.round(this.options.idleMs / 60_000)} minutes without a connection`
    )
  }
}
