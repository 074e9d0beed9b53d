/**
 * @module One keyspace-notification subscription for the whole Valkey server,
 * routed to the sandboxes by database index.
 *
 * A single admin connection runs `PSUBSCRIBE __keyspace@*__:*`; each message
 * names its database in the channel, so a listener registered for database
 * N only ever hears about keys of database N. Browsers never subscribe to
 * notifications themselves, so no sandbox can see another's key names.
 *
 * The connection is re-opened with back-off when it drops (Valkey restarted).
 * Events that happen while it is down are lost; the inspector re-reads its
 * keys when the watcher reports that it is connected again.
 */
import type { ValkeyTarget } from '../config.ts'
import type { Reply } from '../../../common/protocol/index.ts'
import type { RespConnection } from '../resp/RespConnection.ts'
import { openAdminConnection } from '../valkey/adminConnection.ts'

export type KeyspaceListener = {
  event(key: string, event: string): void
  /** The subscription was (re)established after a gap: state may have changed unseen. */
  resynced?(): void
}

const CHANNEL = /^__keyspace@(\d+)__:/

export class KeyspaceWatcher {
  #listeners = new Map<number, Set<KeyspaceListener>>()
  /** Hear every database's events (the memory meter). */
  #everywhere = new Set<(db: number, key: string, event: string) => void>()
  #connection: RespConnection | null = null
  #closed = false
  #retryTimer: NodeJS.Timeout | null = null
  #everConnected = false

  constructor(
    private readonly target: ValkeyTarget,
    private readonly log: (message: string) => void = () => undefined,
    /**
     * Told whether the subscription holds: true once the server confirmed it, the server's error
     * when it refused it (a user without the channels, in inspect mode), false when the
     * connection is lost.
     */
    private readonly onStatus: (status: true | false | string) => void = () => undefined
  ) {}

  /** Connects; resolves once subscribed (or rejects on the first failure, then keeps retrying). */
  start(): Promise<void> {
    return this.#connect()
  }

  listen(db: number, listener: KeyspaceListener): () => void {
    let set = this.#listeners.get(db)
    if (!set) this.#listeners.set(db, (set = new Set()))
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size === 0) this.#listeners.delete(db)
    }
  }

  /** Hears events of every database, e.g. to account for each sandbox's memory. */
  listenAll(listener: (db: number, key: string, event: string) => void): () => void {
    this.#everywhere.add(listener)
    return () => this.#everywhere.delete(listener)
  }

  close(): void {
    this.#closed = true
    if (this.#retryTimer) clearTimeout(this.#retryTimer)
    this.#connection?.close()
  }

  async #connect(): Promise<void> {
    const connection = await openAdminConnection(this.target, 'keyspace-watcher')
    connection.onStream = (reply) => this.#onMessage(reply)
    connection.write(['PSUBSCRIBE', '__keyspace@*__:*'])
    connection.on('close', () => {
      if (this.#connection === connection) this.#connection = null
      this.onStatus(false)
      this.#retry(250)
    })
    this.#connection = connection
    if (this.#everConnected) for (const set of this.#listeners.values()) for (const listener of set) listener.resynced?.()
    this.#everConnected = true
  }

  #retry(delayMs: number): void {
    if (this.#closed || this.#retryTimer) return
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null
      if (this.#closed) return
      this.#connect().catch((error: Error) => {
        this.log(`keyspace watcher: ${error.message}; retrying`)
        this.#retry(Math.min(delayMs * 2, 2000))
      })
    }, delayMs)
    this.#retryTimer.unref()
  }

  #onMessage(reply: Reply): void {
    if (reply.t === 'err') return this.onStatus(reply.s)
    if (reply.t === 'arr' && reply.a[0]?.t === 'bulk' && reply.a[0].s === 'psubscribe') return this.onStatus(true)
    // ['pmessage', pattern, channel, event]
    if ((reply.t !== 'arr' && reply.t !== 'push') || reply.a.length !== 4) return
    const [kind, , channel, event] = reply.a
    if (kind?.t !== 'bulk' || kind.s !== 'pmessage' || channel?.t !== 'bulk' || event?.t !== 'bulk') return
    const match = CHANNEL.exec(channel.s)
    if (!match) return
    const db = Number(match[1])
    const key = channel.s.slice(match[0].length)
    for (const listener of this.#everywhere) listener(db, key, event.s)
    const listeners = this.#listeners.get(db)
    if (!listeners) return
    for (const listener of listeners) listener.event(key, event.s)
  }
}
