/**
 * @module A terminal's own connection to Valkey, signed in as its sandbox's ACL user.
 *
 * Opened on first use and again after it is lost (Valkey restarted); RESET replaces it, since a
 * fresh connection is the most faithful way to drop every piece of connection state. Large
 * replies on it stay JSON text on their way to the page (EncodedAggregate).
 */
import { LazyConnection } from '../resp/LazyConnection.ts'
import { RespConnection } from '../resp/RespConnection.ts'
import type { SandboxUsers } from './aclRules.ts'

/** Replies with at least this many elements are kept as JSON text, not as objects. */
const ENCODE_FROM_ELEMENTS = 1024

export type MainConnectionOptions = {
  valkey: { host: string; port: number }
  users: SandboxUsers
  /** A new connection is being opened (before it signs in). */
  opening(): void
  /** The connection went away (its transaction state with it). */
  lost(): void
}

export class MainConnection {
  readonly #lazy: LazyConnection
  #ready: RespConnection | null = null
  #clientId = ''
  #closed = false

  constructor(private readonly options: MainConnectionOptions) {
    this.#lazy = new LazyConnection(
      () => this.#open(),
      (connection) => {
        if (this.#ready === connection) this.#ready = null
        this.options.lost()
      }
    )
  }

  /** The connection when it is open now (for the synchronous fast path), else null. */
  get ready(): RespConnection | null {
    return this.#ready && !this.#ready.closed ? this.#ready : null
  }

  /** Valkey's id for it (CLIENT UNBLOCK), '' before it is open. */
  get clientId(): string {
    return this.#clientId
  }

  /** The connection, opened if need be. */
  get(): Promise<RespConnection> {
    return this.#lazy.get()
  }

  /** Closes this connection and opens a new one (RESET). */
  async replace(): Promise<void> {
    this.#ready = null
    await this.#lazy.drop()
    await this.get()
  }

  close(): void {
    this.#closed = true
    this.#ready = null
    void this.#lazy.drop()
  }

  async #open(): Promise<RespConnection> {
    const { users, valkey } = this.options
    const connection = await RespConnection.connect({ ...valkey, encodeFrom: ENCODE_FROM_ELEMENTS })
    this.options.opening()
    const [auth, select, , id] = await Promise.all([
      connection.send(['AUTH', users.terminalUser, users.terminalPassword]),
      connection.send(['SELECT', String(users.db)]),
      connection.send(['CLIENT', 'SETNAME', `playground-terminal-${users.db}`]),
      connection.send(['CLIENT', 'ID']),
    ])
    for (const reply of [auth, select]) {
      if (reply.t === 'err') {
        connection.close()
        throw new Error(`sandbox sign-in failed: ${reply.s}`)
      }
    }
    this.#clientId = id.t === 'int' ? id.n : ''
    if (this.#closed) connection.close()
    else this.#ready = connection
    return connection
  }
}
