/**
 * @module One server of the pool and everything the playground keeps per server: its admin
 * client and capabilities, its keyspace subscription, its memory meter and quota, its Lua VM
 * brake, the session library loaded on it, the databases it lends to sandboxes, the pattern
 * subscriptions of its sandboxes, and the attendee sockets whose sandbox lives on it (who hears
 * about this server stopping and coming back).
 *
 * Everything here speaks in the server's own database numbers; sandbox numbers
 * (pool/sandboxNumber.ts) are the registry's business.
 */
import type { ServerInfo, ServerMessage } from '../../../common/protocol/index.ts'
import type { ValkeyTarget } from '../config.ts'
import { KeyspaceWatcher } from '../inspector/KeyspaceWatcher.ts'
import { LuaMemoryBrake } from '../sandbox/LuaMemoryBrake.ts'
import { MemoryMeter } from '../sandbox/MemoryMeter.ts'
import { MemoryQuota, readGrowingCommands } from '../sandbox/MemoryQuota.ts'
import { PatternBook } from '../sandbox/PatternBook.ts'
import { loadSessionLibrary } from '../sessions/loadLibrary.ts'
import { connectAdmin, createAdminClient, detectCapabilities, type AdminClient, type Capabilities } from '../valkey/adminClient.ts'
import { checkAdminRights, ensureNotifications } from './serverChecks.ts'

export type NodeOptions = {
  index: number
  target: ValkeyTarget
  /** Started by this playground (its settings are ours); false: an existing server (VALKEY_URL). */
  embedded: boolean
  /** Most databases lent to sandboxes (SANDBOX_MAX). */
  maxSandboxes: number
  /** Each sandbox's memory quota (MB); 0: none. */
  sandboxMemoryMb: number
  /** The Lua VM is reset past this size (MB); 0: never. */
  scriptMemoryMb: number
  log: (message: string) => void
}

export class ValkeyNode {
  readonly #attendees = new Set<(message: ServerMessage) => void>()
  readonly #closers: (() => void)[]

  private constructor(
    readonly index: number,
    readonly target: ValkeyTarget,
    readonly embedded: boolean,
    readonly admin: AdminClient,
    readonly capabilities: Capabilities,
    /** Databases lent to sandboxes, lowest first (never the control database). */
    readonly databases: number[],
    readonly watcher: KeyspaceWatcher,
    readonly quota: MemoryQuota | null,
    readonly luaBrake: LuaMemoryBrake | null,
    readonly patterns: PatternBook,
    closers: (() => void)[]
  ) {
    this.#closers = closers
  }

  /** Connects, checks the server can be used, and readies everything per server. Throws a message a person can act on. */
  static async open(options: NodeOptions): Promise<ValkeyNode> {
    const { target, log } = options
    const where = `${target.host}:${target.port}`
    const closers: (() => void)[] = []
    const close = () => closers.reverse().forEach((step) => step())
    try {
      const admin = createAdminClient(target)
      admin.on('error', () => undefined) // reconnects by itself; commands report failures
      await connectAdmin(admin, where)
      closers.push(() => admin.disconnect())

      await checkAdminRights(admin, where, target.username)
      const capabilities = await detectCapabilities(admin)
      const databases: number[] = []
      for (let db = 0; db < capabilities.databases && databases.length < options.maxSandboxes; db++) {
        if (db !== target.controlDb) databases.push(db)
      }
      if (databases.length === 0) {
        throw new Error(
          `Valkey at ${where} has only ${capabilities.databases} database(s), and the playground keeps database ` +
            `${target.controlDb} for itself: sandboxes need more. Set 'databases ${options.maxSandboxes + 1}' in its configuration ` +
            `(valkey.conf or --databases) and restart it`
        )
      }
      // The session-manager commands (SESSION.*, CUSTOM.*) run as this library's functions.
      await loadSessionLibrary(admin)
      let quota: MemoryQuota | null = null
      if (options.sandboxMemoryMb > 0) {
        const meter = new MemoryMeter({ target, log })
        closers.push(() => meter.close())
        quota = new MemoryQuota(meter, options.sandboxMemoryMb * 1024 * 1024, await readGrowingCommands(admin))
      }
      if (!options.embedded) await ensureNotifications(admin, log)

      const watcher = new KeyspaceWatcher(target, log)
      closers.push(() => watcher.close())
      if (quota) {
        const { meter } = quota
        watcher.listenAll((db, key, event) => meter.event(db, key, event))
      }
      await watcher.start()
      const brake = options.scriptMemoryMb > 0 ? new LuaMemoryBrake(admin, options.scriptMemoryMb * 1024 * 1024, log) : null
      return new ValkeyNode(
        options.index,
        target,
        options.embedded,
        admin,
        capabilities,
        databases,
        watcher,
        quota,
        brake,
        new PatternBook(),
        closers
      )
    } catch (error) {
      close()
      throw error
    }
  }

  /** host:port, for messages. */
  get where(): string {
    return `${this.target.host}:${this.target.port}`
  }

  /** What a page is told about the server its sandbox is on. */
  serverInfo(): ServerInfo {
    return {
      address: this.where,
      valkeyVersion: this.capabilities.valkeyVersion,
      features: {
        hashFieldExpiration: this.capabilities.hashFieldExpiration,
        hashFieldGetDel: this.capabilities.hashFieldGetDel,
        hashFieldSetIfAbsent: this.capabilities.hashFieldSetIfAbsent,
      },
      embedded: this.embedded,
    }
  }

  /** An attendee socket whose sandbox is here: it hears about this server (tell). Returns the way out. */
  listen(send: (message: ServerMessage) => void): () => void {
    this.#attendees.add(send)
    return () => this.#attendees.delete(send)
  }

  /** Sends `message` to every attendee socket whose sandbox is on this server (and no other). */
  tell(message: ServerMessage): void {
    for (const send of this.#attendees) send(message)
  }

  /** The server came back after a restart: the session library again, and the meter measures again (events were lost). */
  async recovered(databasesInUse: number[]): Promise<void> {
    await loadSessionLibrary(this.admin)
    void this.quota?.meter.resyncAll(databasesInUse)
  }

  close(): void {
    this.#closers.reverse().forEach((step) => step())
    this.#closers.length = 0
  }
}
