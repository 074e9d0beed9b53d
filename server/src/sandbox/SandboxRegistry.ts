/**
 * @module Which browser owns which sandbox, and the recycling of idle ones, for every playground
 * process that shares one pool.
 *
 * A browser holds an unguessable token; only its SHA-256 is kept, mapped to a sandbox: one database
 * on one server of the pool, named by its number (pool/sandboxNumber.ts; on the first server the
 * number is the database). The mapping, the per-address counts, which process has which sandbox
 * open and whether it ever stored anything all live in the control Valkey's sandbox directory
 * (control/SandboxDirectory.ts), whose every decision is one Lua script: two processes can never
 * hand out the same database, and a page that reconnects to another process gets its sandbox back.
 * This class words the directory's answers for the gateway and does the work on the servers
 * themselves (sandboxServers.ts): ACL users, the emptiness check, the flush.
 *
 * A new sandbox goes to the server with the fewest sandboxes (the first of equals) that can be
 * asked now; it stays there for as long as it exists, so its data never moves. A database holding
 * data the playground did not put there is never handed out (the directory marks it foreign).
 *
 * Sandboxes are released as early as is safe, so a burst of throwaway sockets cannot keep them: one
 * that never stored anything goes as soon as its last socket in every process closes, one emptied
 * again after a few minutes, any other after the idle limit (sandboxSweep.ts). One client address
 * may hold only a share of them, counted across processes.
 *
 * Limits: `size` and `databasesInUse` are this process's view: exact for what it did, and for what
 * other processes did as of its last sweep or load.
 */
import { createHash, randomBytes } from 'node:crypto'
import { ControlUnavailableError } from '../control/ControlUnavailableError.ts'
import { SandboxRefusedError, type DirectorySnapshot, type SandboxDirectory, type SandboxRecord } from '../control/SandboxDirectory.ts'
import { placeOf, sandboxNumber } from '../pool/sandboxNumber.ts'
import type { SandboxUsers } from './aclRules.ts'
import { placeOfNumber, SandboxRecycling } from './sandboxRecycling.ts'
import { SandboxServers, type RegistryServer, type SandboxPlace } from './sandboxServers.ts'
import { sweepOnce } from './sandboxSweep.ts'
import { SandboxUse } from './sandboxUse.ts'

export type { RegistryServer, SandboxPlace } from './sandboxServers.ts'

export type SandboxLease = {
  token: string
  /** The sandbox's ACL users on its server (users.db is the real database there). */
  users: SandboxUsers
  sandbox: SandboxPlace
  /** The token was unknown (or absent) and a new, empty sandbox was made. */
  fresh: boolean
  /** The sandbox existed before this attach (or its token had been released unused and keeps its name). */
  resumed: boolean
  /** This sandbox's life (token and creation): a number handed out again gets another. */
  owner: string
}

export class SandboxUnavailableError extends Error {
  override name = 'SandboxUnavailableError'
}

export type RegistryOptions = {
  /** The sandbox directory in the control Valkey (one per process, on its ControlLink). */
  directory: SandboxDirectory
  /** The pool's servers, in pool order. */
  servers: RegistryServer[]
  idleMs: number
  /** A sandbox that was used but is empty again is released after this long without a connection. */
  emptyIdleMs?: number
  /** Most sandboxes one client address may hold at once, across processes. */
  perAddress?: number
  /** Secret the ACL passwords are derived from; the same in every process (control/sharedSecret.ts). */
  secret: string
  now?: () => number
  log?: (message: string) => void
  /** Drops what else the playground keeps about a sandbox (mission progress) when it changes hands. */
  forget?: (place: SandboxPlace) => Promise<void>
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex')

export class SandboxRegistry {
  readonly #directory: SandboxDirectory
  readonly #servers: SandboxServers
  readonly #recycling: SandboxRecycling
  readonly #now: () => number
  readonly #log: (message: string) => void
  /** The pool's sandbox numbers. */
  readonly #allowed: Set<number>
  /** Sandboxes this process knows of, by number (see the module's limits). */
  #known = new Map<number, SandboxRecord>()
  readonly #use: SandboxUse
  /** Attaches, releases and sweeps under way (settled()). */
  readonly #pending = new Set<Promise<unknown>>()
  /** Sweeps of this process run one after another. */
  #sweeping: Promise<unknown> = Promise.resolve()

  constructor(private readonly options: RegistryOptions) {
    this.#directory = options.directory
    this.#now = options.now ?? Date.now
    this.#log = options.log ?? (() => undefined)
    this.#servers = new SandboxServers(options.servers, options.secret)
    this.#recycling = new SandboxRecycling({ directory: this.#directory, servers: this.#servers, forget: options.forget, log: this.#log })
    this.#use = new SandboxUse(this.#directory, this.#servers, this.#log)
    this.#allowed = new Set(options.servers.flatMap((server, index) => server.databases.map((db) => sandboxNumber(index, db))))
  }

  /** Sandboxes the whole pool can hold. */
  get capacity(): number {
    return this.#allowed.size
  }

  get size(): number {
    return this.#known.size
  }

  /** Resolves once every attach, release and sweep started so far has finished. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending])
  }

  /** Sandboxes held on server `index` now, and how many databases it has for them. */
  onServer(index: number): { held: number; capacity: number } {
    return { held: this.databasesInUse(index).length, capacity: this.options.servers[index]?.databases.length ?? 0 }
  }

  /** The databases of server `index` handed out now (real database numbers there). */
  databasesInUse(index: number): number[] {
    return [...this.#known.keys()].map(placeOf).flatMap((place) => (place.server === index ? [place.db] : []))
  }

  /** The sandbox's ACL users on its server. */
  usersOf(number: number): SandboxUsers {
    return this.#servers.users(placeOfNumber(number))
  }

  /** Reads what the directory holds (at start: what earlier processes left there). */
  async load(): Promise<void> {
    this.#adopt(await this.#directory.load(this.#serverIndexes()))
  }

  /**
   * After a server restarted (its append-only file may lack the last second): writes back what
   * this process vouches for (the control database may be on that server) and configures again
   * the users of the sandboxes open here. `server`: only that server's users.
   */
  async restore(server?: number): Promise<void> {
    await this.#directory.writeBack()
    await this.load()
    for (const number of this.#known.keys()) {
      const place = placeOfNumber(number)
      if (this.#directory.liveHere(number) > 0 && (server === undefined || place.server === server))
        await this.#servers.configureUsers(place)
    }
  }

  /**
   * Finds the sandbox for a token, or makes a new one (with a new token). The lease counts as an
   * open connection until connectionClosed(lease.sandbox.number) is called for it, which the caller
   * must do once, also when its socket closed before the lease arrived. Throws
   * SandboxUnavailableError (none may be given), ControlUnavailableError, or a server's error.
   */
  attach(token: string | null, address = ''): Promise<SandboxLease> {
    return this.#track(this.#attach(token, address))
  }

  async #attach(token: string | null, address: string): Promise<SandboxLease> {
    const freshToken = randomBytes(32).toString('base64url')
    let presented = token ? hashToken(token) : null
    // Bounded: a second round only when the token named a sandbox outside this pool.
    for (let round = 0; ; round++) {
      const { record, outcome } = await this.#claimOrResume(presented, hashToken(freshToken), address)
      if (!this.#allowed.has(record.number) && round === 0) {
        // Left from a larger pool (SANDBOX_MAX was lowered): the browser gets a new sandbox.
        await this.#directory.connectionClosed(record.number)
        presented = null
        continue
      }
      const sandbox = placeOfNumber(record.number)
      try {
        if (outcome !== 'resumed') {
          // A sandbox handed out starts without anyone's progress, scripts or marks.
          this.#use.drop(record.number)
          await this.options.forget?.(sandbox)
        } else if (record.used) {
          this.#use.known(record.number)
        }
        const users = await this.#servers.configureUsers(sandbox, outcome === 'resumed')
        this.#known.set(record.number, record)
        const kept = outcome === 'claimed' ? freshToken : token!
        const owner = `${record.tokenHash}:${record.createdAt}`
        return { token: kept, users, sandbox, fresh: outcome === 'claimed', resumed: outcome !== 'claimed', owner }
      } catch (error) {
        void this.connectionClosed(record.number)
        throw error
      }
    }
  }

  async #claimOrResume(presented: string | null, freshTokenHash: string, address: string) {
    let checking: number | null = null
    try {
      return await this.#directory.attach({
        tokenHash: presented,
        freshTokenHash,
        address,
        perAddress: this.options.perAddress,
        // A server that cannot be asked now (restarting) takes no new sandbox.
        candidates: this.options.servers.flatMap((server, index) =>
          server.admin.status === 'ready' ? [{ server: index, dbs: server.databases }] : []
        ),
        isEmpty: async (number) => {
          checking = number
          const empty = (await this.#servers.size(placeOf(number))) === 0
          checking = null
          return empty
        },
      })
    } catch (error) {
      if (checking !== null) void this.#track(this.#handBack(checking))
      throw this.#explain(error as Error)
    }
  }

  /**
   * A claim whose emptiness check could not reach its server: its number is freed again without
   * flushing (nobody used it, and it may hold someone else's data), to be checked by the next claim.
   */
  async #handBack(number: number): Promise<void> {
    try {
      const outcome = await this.#directory.connectionClosed(number, { releaseIfUnused: true })
      if (outcome === 'marked') await this.#directory.finishRecycle(number)
    } catch (error) {
      this.#log(`sandbox ${number} could not be handed back: ${(error as Error).message}`)
    }
  }

  #explain(error: Error): Error {
    if (!(error instanceof SandboxRefusedError)) return error
    if (error.reason === 'address-limit') {
      return new SandboxUnavailableError(
        `this address already holds ${this.options.perAddress} sandboxes, the most one address may have; ` +
          `close some playground tabs (an unused sandbox is released when its tab closes)`
      )
    }
    return new SandboxUnavailableError(
      `all ${this.capacity} sandboxes are in use; an idle one is recycled after ` +
        `${Math.round(this.options.idleMs / 60_000)} minutes without a connection`
    )
  }

  /**
   * One connection to the sandbox ended. The last one anywhere of a sandbox that never stored
   * anything releases it at once (a page opened and closed, or a script opening sockets, keeps
   * nothing); its browser coming back gets a new sandbox under the same token. Returns when that
   * release, if any, is done. While the control server is down nothing is released.
   */
  connectionClosed(number: number): Promise<void> {
    return this.#track(
      this.#closed(number).catch((error: Error) => {
        if (!(error instanceof ControlUnavailableError)) this.#log(`releasing sandbox ${number} failed: ${error.message}`)
      })
    )
  }

  async #closed(number: number): Promise<void> {
    const releaseIfUnused = this.#directory.liveHere(number) <= 1 && !(await this.#use.keep(number))
    const outcome = await this.#directory.connectionClosed(number, { releaseIfUnused })
    if (outcome === 'open') return
    this.#use.drop(number)
    if (outcome !== 'marked') return
    this.#known.delete(number)
    await this.#recycling.finish(number, 'its tab closed and it never stored anything')
  }

  /** Something was stored in the sandbox (a keyspace event, saved progress): keep it after its tab closes. */
  markUsed(number: number): void {
    this.#use.mark(number)
  }

  /**
   * Flushes and frees every sandbox open in no process that has been idle longer than the limit,
   * or empty for longer than the shorter one. Returns how many (0 when another process sweeps now).
   */
  sweep(): Promise<number> {
    const run = this.#sweeping.then(async () => {
      const { recycled, snapshot } = await sweepOnce({
        directory: this.#directory,
        servers: this.#servers,
        recycling: this.#recycling,
        serverIndexes: this.#serverIndexes(),
        allowed: (number) => this.#allowed.has(number),
        idleMs: this.options.idleMs,
        emptyIdleMs: this.options.emptyIdleMs ?? this.options.idleMs,
        now: this.#now,
        log: this.#log,
      })
      if (snapshot) this.#adopt(snapshot)
      return recycled
    })
    this.#sweeping = run.catch(() => undefined)
    return this.#track(run)
  }

  #serverIndexes(): number[] {
    return this.options.servers.map((_, index) => index)
  }

  /** The directory as read, plus sandboxes opened here since it was read. */
  #adopt(snapshot: DirectorySnapshot): void {
    const known = new Map<number, SandboxRecord>()
    for (const record of snapshot.records) if (this.#allowed.has(record.number)) known.set(record.number, record)
    for (const [number, record] of this.#known) if (!known.has(number) && this.#directory.liveHere(number) > 0) known.set(number, record)
    this.#known = known
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#pending.add(work)
    const done = () => this.#pending.delete(work)
    work.then(done, done)
    return work
  }
}
