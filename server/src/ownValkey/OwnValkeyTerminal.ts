/**
 * @module The terminal of inspect mode: the page's commands on a connection of their own to the
 * inspected server, signed in as the URL's user, each judged by the command gate first.
 *
 * Commands are pipelined and answered in order. What the gate refuses is answered here with its
 * reason and never reaches the server; inside MULTI a refusal also makes EXEC fail (EXECABORT),
 * as any rejected command would. KEYS is judged by the size of the database it would walk, read
 * on the same connection just before. A few commands would break the one-reply-per-command
 * pairing of the connection (MONITOR, CLIENT REPLY, replication) and are refused in every mode;
 * SUBSCRIBE and friends run on a subscriber connection (Subscriptions), RESET opens a new
 * connection. The database the terminal is on follows SELECT, so a connection opened again after
 * a loss goes back to it.
 */
import { LIMITS, type Reply, type ServerMessage } from '../../../common/protocol/index.ts'
import { ConnectionClosedError, type RespConnection } from '../resp/RespConnection.ts'
import { LazyConnection } from '../resp/LazyConnection.ts'
import { ReplyOrder } from '../resp/ReplyOrder.ts'
import { SlowLane, type Dispatched } from '../resp/SlowLane.ts'
import {
  BLOCKING_COMMANDS,
  SCRIPT_COMMANDS,
  SUBSCRIBE_COMMANDS,
  UNSUBSCRIBE_COMMANDS,
  upper,
} from '../../../common/commands/commandNames.ts'
import { unsubscribedReplies } from '../sandbox/scopedReplies.ts'
import { breaksPairing } from './pairing.ts'
import { Subscriptions } from '../resp/Subscriptions.ts'

export type OwnValkeyTerminalDeps = {
  /** Opens a signed-in connection on database `db` (large replies stay JSON text). */
  open: (db: number) => Promise<RespConnection>
  /** Null when the command may run, else the refusal; `keysInDb` is given for KEYS when asked for. */
  gate: (args: readonly string[], keysInDb: number | null) => string | null
  /** Whether the gate needs the database's size for this command (KEYS). */
  needsSize: (args: readonly string[]) => boolean
  /** The database the terminal starts on (the URL's). */
  db: number
  send: (message: ServerMessage) => void
}

type Entry = { id: number; started: number; replies: Reply[] | null; at: number; name: string }

const err = (s: string): Reply => ({ t: 'err', s })
/** A command no server knows: queued inside MULTI, it makes EXEC fail with EXECABORT. */
const ABORT_TRANSACTION = ['PLAYGROUND-REFUSED-COMMAND']

export class OwnValkeyTerminal {
  readonly #connection: LazyConnection
  #ready: RespConnection | null = null
  #clientId = ''
  #db: number
  #inMulti = false
  /** The database the last SELECT queued in the open transaction names (it applies if EXEC runs). */
  #queuedSelect: number | null = null
  readonly #subscriptions: Subscriptions
  /** Commands that wait for their turn (see SlowLane); while any does, nothing is written at once. */
  readonly #slow = new SlowLane()
  #closed = false
  /** Commands whose replies have not been sent to the page yet, in order. */
  readonly #order = new ReplyOrder<Entry>((done, ms) => {
    if (!this.#closed) this.deps.send({ type: 'reply', id: done.id, replies: done.replies!, ms })
  })

  constructor(private readonly deps: OwnValkeyTerminalDeps) {
    this.#db = deps.db
    this.#connection = new LazyConnection(
      () => this.#open(),
      (connection) => {
        if (this.#ready === connection) this.#ready = null
        this.#inMulti = false
        this.#queuedSelect = null
      }
    )
    this.#subscriptions = new Subscriptions({ open: () => deps.open(this.#db), send: deps.send })
  }

  /** The database the terminal is on now (as far as SELECT replies told). */
  get db(): number {
    return this.#db
  }

  command(id: number, args: string[]): void {
    const name = upper(args[0]!)
    const entry: Entry = { id, started: performance.now(), replies: null, at: 0, name }
    this.#order.add(entry)
    if (this.#order.size > LIMITS.maxInFlight) {
      return this.#complete(entry, [err(`ERR too many commands in flight (more than ${LIMITS.maxInFlight}); wait for replies`)])
    }
    const refusal = this.#refusal(args, name)
    // Transaction state follows the commands in the order they arrive, which is the order they
    // are written: a refusal inside MULTI must reach the server before the EXEC after it.
    const inMulti = this.#inMulti && !this.#subscriptions.active
    if (refusal === null) this.#judged(args, name)
    const connection = this.#ready
    if (refusal !== null && (!inMulti || (!this.#slow.busy && connection))) {
      if (inMulti) void connection!.send(ABORT_TRANSACTION).catch(() => undefined)
      return this.#complete(entry, [err(refusal)])
    }
    const slow = this.#subscriptions.active || SUBSCRIBE_COMMANDS.has(name) || UNSUBSCRIBE_COMMANDS.has(name) || name === 'RESET'
    if (refusal === null && !slow && !this.#slow.busy && connection && !this.deps.needsSize(args)) {
      void this.#write(connection, args, name).then((replies) => this.#complete(entry, replies))
      return
    }
    this.#slow
      .run(() => (refusal !== null ? this.#refuseInMulti(refusal) : this.#dispatch(entry, args, name, inMulti)))
      .then(
        (replies) => this.#complete(entry, replies),
        (error: unknown) => this.#complete(entry, [this.#failure(error)])
      )
  }

  /** Ctrl-C: leave subscribed mode, unblock a blocking command, stop a script, or give up on what is running. */
  async cancel(): Promise<void> {
    if (this.#subscriptions.active) return this.#subscriptions.leave()
    const oldest = this.#order.head
    if (!oldest) return
    try {
      const side = await this.deps.open(0)
      try {
        if (BLOCKING_COMMANDS.has(oldest.name) && this.#clientId) {
          const reply = await side.send(['CLIENT', 'UNBLOCK', this.#clientId, 'ERROR'])
          if (reply.t === 'int' && reply.n === '1') return
        } else if (SCRIPT_COMMANDS.has(oldest.name)) {
          const reply = await side.send(oldest.name.startsWith('FCALL') ? ['FUNCTION', 'KILL'] : ['SCRIPT', 'KILL'])
          if (reply.t === 'str') return
        }
      } finally {
        side.close()
      }
    } catch {
      // The server does not answer at all: giving up on the connection is all that is left.
    }
    if (this.#order.size > 0) {
      this.deps.send({
        type: 'notice',
        level: 'warn',
        text: 'Ctrl-C: the terminal closed its connection to stop waiting (the server may still finish the command); it opens a new one for the next command.',
      })
      await this.#connection.drop()
    }
  }

  close(): void {
    this.#closed = true
    this.#ready = null
    void this.#connection.drop()
    this.#subscriptions.close()
  }

  // ------------------------------------------------------------ deciding

  /** Refusals that need no server: what breaks the pairing, what the mode allows, subscribed mode's rule. */
  #refusal(args: string[], name: string): string | null {
    if (this.#subscriptions.active) {
      if (SUBSCRIBE_COMMANDS.has(name) || UNSUBSCRIBE_COMMANDS.has(name) || name === 'PING' || name === 'RESET') return null
      return `ERR Can't execute '${args[0]!.toLowerCase()}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`
    }
    const broken = breaksPairing(args, name)
    if (broken) return broken
    if (this.#inMulti && (SUBSCRIBE_COMMANDS.has(name) || UNSUBSCRIBE_COMMANDS.has(name))) {
      return `ERR ${name} is not available inside MULTI in this terminal`
    }
    return this.deps.needsSize(args) ? null : this.deps.gate(args, null)
  }

  /** Where the terminal will be once this command runs: in a transaction or not, and which SELECT it queued. */
  #judged(args: string[], name: string): void {
    if (name === 'MULTI') this.#inMulti = true
    else if (name === 'EXEC' || name === 'DISCARD') this.#inMulti = false
    else if (this.#inMulti && name === 'SELECT' && args.length === 2 && /^\d+$/.test(args[1]!)) this.#queuedSelect = Number(args[1])
  }

  /** A refusal inside MULTI, in its turn: the marker that will make EXEC fail goes first. */
  async #refuseInMulti(refusal: string): Promise<Dispatched> {
    const connection = await this.#connection.get()
    void connection.send(ABORT_TRANSACTION).catch(() => undefined)
    return { replies: Promise.resolve([err(refusal)]), barrier: false }
  }

  async #dispatch(entry: Entry, args: string[], name: string, inMulti: boolean): Promise<Dispatched> {
    const now = (replies: Reply[] | Promise<Reply[]>, barrier = false): Dispatched => ({ replies: Promise.resolve(replies), barrier })
    if (this.#subscriptions.active) {
      if (SUBSCRIBE_COMMANDS.has(name)) return now(this.#subscriptions.subscribe(args), true)
      if (name === 'RESET') return now(this.#reset(), true)
      if (this.#subscriptions.forward(args)) return now([])
      return name === 'PING' ? now(this.#write(await this.#connection.get(), args, name)) : now(unsubscribedReplies(args, name))
    }
    if (SUBSCRIBE_COMMANDS.has(name) && !this.#inMulti) {
      return now(
        this.#order.afterEarlier(entry).then(() => this.#subscriptions.subscribe(args)),
        true
      )
    }
    if (UNSUBSCRIBE_COMMANDS.has(name) && !this.#inMulti) return now(unsubscribedReplies(args, name))
    if (name === 'RESET')
      return now(
        this.#order.afterEarlier(entry).then(() => this.#reset()),
        true
      )
    const connection = await this.#connection.get()
    if (this.deps.needsSize(args)) {
      const refusal = this.deps.gate(args, await this.#size(connection, inMulti))
      if (refusal !== null) {
        if (inMulti) void connection.send(ABORT_TRANSACTION).catch(() => undefined)
        return now([err(refusal)])
      }
    }
    return now(this.#write(connection, args, name))
  }

  /**
   * The size of the database KEYS would walk: asked on the terminal's own connection just before
   * it, or inside MULTI (where DBSIZE would only be queued) on a connection of its own.
   */
  async #size(connection: RespConnection, inMulti: boolean): Promise<number | null> {
    const side = inMulti ? await this.deps.open(this.#db) : null
    try {
      const reply = await (side ?? connection).send(['DBSIZE'])
      return reply.t === 'int' ? Number(reply.n) : null
    } finally {
      side?.close()
    }
  }

  // ------------------------------------------------------------ the connection

  async #open(): Promise<RespConnection> {
    const connection = await this.deps.open(this.#db)
    const id = await connection.send(['CLIENT', 'ID'])
    this.#clientId = id.t === 'int' ? id.n : ''
    if (this.#closed) connection.close()
    else this.#ready = connection
    return connection
  }

  #write(connection: RespConnection, args: readonly string[], name: string): Promise<Reply[]> {
    const select = name === 'SELECT' && args.length === 2 && /^\d+$/.test(args[1]!) ? Number(args[1]) : null
    return connection.send(args).then(
      (reply) => {
        // OK (not QUEUED) moves the terminal; a transaction's SELECT applies when EXEC runs it.
        if (select !== null && reply.t === 'str' && reply.s === 'OK') this.#db = select
        if (name === 'EXEC') {
          if (reply.t === 'arr' && this.#queuedSelect !== null) this.#db = this.#queuedSelect
          this.#queuedSelect = null
        } else if (name === 'DISCARD') this.#queuedSelect = null
        return [reply]
      },
      (error: unknown) => [this.#failure(error)]
    )
  }

  /** RESET: a new connection drops every piece of state, as RESET does; it starts on database 0. */
  async #reset(): Promise<Reply[]> {
    this.#subscriptions.leave()
    this.#db = 0
    this.#inMulti = false
    this.#queuedSelect = null
    this.#ready = null
    await this.#connection.drop()
    await this.#connection.get()
    return [{ t: 'str', s: 'RESET' }]
  }

  #failure(error: unknown): Reply {
    if (error instanceof ConnectionClosedError) return err(`ERR ${error.message}`)
    const message = error instanceof Error ? error.message : String(error)
    return err(`ERR cannot reach the server right now (${message}); try again in a moment`)
  }

  // ------------------------------------------------------------ output, in order

  #complete(entry: Entry, replies: Reply[]): void {
    this.#order.complete(entry, replies)
  }
}
