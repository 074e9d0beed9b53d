/**
 * @module What the sandbox registry does on the servers themselves, each through its own admin
 * client: fence a sandbox with its ACL users, measure it, empty it. The registry decides which
 * sandbox; this knows how, on whichever server the sandbox is.
 */
import type { AdminClient } from '../valkey/adminClient.ts'
import { runInDb } from '../valkey/runInDb.ts'
import { sandboxUsers, subscriberUserRules, terminalUserRules, type SandboxUsers } from './aclRules.ts'

/** Where a sandbox lives: its number across the pool, and the server and database it is. */
export type SandboxPlace = { number: number; server: number; db: number }

/** One server of the pool, as the registry uses it. */
export type RegistryServer = {
  /** A privileged client on this server (sizes, flushes and fences its databases). */
  admin: AdminClient
  /** Its databases that may be handed out, lowest first. */
  databases: number[]
  /** Its ACL selectors know `db=` (Valkey 9.1+). */
  databaseAcl: boolean
  /**
   * Patterns the sandbox's terminals are subscribed to now (without the channel prefix), by the
   * real database. The subscriber user is given them again whenever it is configured: Valkey
   * disconnects a client whose pattern subscriptions its user no longer allows, so another tab
   * opening would end them.
   */
  patternsInUse?: (db: number) => Iterable<string>
}

export class SandboxServers {
  constructor(
    readonly list: readonly RegistryServer[],
    /** Secret the ACL passwords are derived from. */
    private readonly secret: string
  ) {}

  /** The sandbox's users on its server; each server's passwords come from a secret of its own. */
  users(place: SandboxPlace): SandboxUsers {
    return sandboxUsers(place.db, place.server === 0 ? this.secret : `${this.secret}:server-${place.server}`)
  }

  /**
   * (Re)creates the sandbox's two ACL users on its server; returns them. `resumed`: the subscriber
   * user keeps the patterns granted so far (another process may have a tab subscribed to them).
   */
  async configureUsers(place: SandboxPlace, resumed = false): Promise<SandboxUsers> {
    const { admin, databaseAcl, patternsInUse } = this.list[place.server]!
    const users = this.users(place)
    await admin.call('acl', 'setuser', users.terminalUser, ...terminalUserRules(users, databaseAcl))
    // Patterns are byte strings (one char per byte), as SubscriberChannel grants them.
    const inUse = [...(patternsInUse?.(users.db) ?? [])].map((pattern) => Buffer.from(`&${users.channelPrefix}${pattern}`, 'latin1'))
    await admin.call('acl', 'setuser', users.subscriberUser, ...subscriberUserRules(users, databaseAcl, resumed), ...inUse)
    return users
  }

  /** How many keys the sandbox's database holds. */
  async size(place: Omit<SandboxPlace, 'number'>): Promise<number> {
    const [size] = await runInDb(this.list[place.server]!.admin, place.db, ['DBSIZE'])
    return Number(size)
  }

  /** Disconnects any client still using the sandbox and empties its database. */
  async empty(place: SandboxPlace): Promise<void> {
    const { admin } = this.list[place.server]!
    const users = this.users(place)
    // Nobody should be connected, but make sure no stray client keeps using it.
    await admin.call('client', 'kill', 'user', users.terminalUser).catch(() => undefined)
    await admin.call('client', 'kill', 'user', users.subscriberUser).catch(() => undefined)
    await runInDb(admin, place.db, ['FLUSHDB'])
  }
}
