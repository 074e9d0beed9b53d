/**
 * @module A terminal's subscribed mode: SUBSCRIBE, PSUBSCRIBE and SSUBSCRIBE run on a connection
 * of their own, whose every reply (confirmations, messages) goes to the page as a push, and which
 * is closed to leave (Ctrl-C, RESET, or the last UNSUBSCRIBE), as valkey-cli does.
 *
 * Inspect mode sends channel names as typed (the user's own server); a sandbox renames them on the
 * way out and back (SubscriberChannel gives `outgoing` and `incoming`).
 */
import type { Reply, ServerMessage } from '../../../common/protocol/index.ts'
import { UNSUBSCRIBE_COMMANDS } from '../../../common/commands/commandNames.ts'
import type { RespConnection } from './RespConnection.ts'

export type SubscriptionsDeps = {
  /** Opens a signed-in connection. */
  open: () => Promise<RespConnection>
  send: (message: ServerMessage) => void
  /** The command as the server is to get it (default: as typed). */
  outgoing?: (args: string[]) => string[]
  /** A reply as the page is to see it (default: as the server sent it). */
  incoming?: (reply: Reply) => Reply
  /** The server confirmed a (p|s)(un)subscribe of `target` (as the page sees it). */
  confirmed?: (kind: string, target: string) => void
  /** Subscribed mode ended (or was never entered and the connection closed). */
  left?: () => void
}

export class Subscriptions {
  #connection: RespConnection | null = null
  #active = false
  /** Subscriptions the server last confirmed. */
  #count = 0
  #closed = false

  constructor(private readonly deps: SubscriptionsDeps) {}

  get active(): boolean {
    return this.#active
  }

  /** The command's replies come as pushes; it answers nothing itself. */
  async subscribe(args: string[]): Promise<Reply[]> {
    if (args.length < 2) return [{ t: 'err', s: `ERR wrong number of arguments for '${args[0]!.toLowerCase()}' command` }]
    const connection = await this.#open()
    connection.write(this.#outgoing(args))
    if (!this.#active) {
      this.#active = true
      this.deps.send({ type: 'mode', subscribed: true })
    }
    return []
  }

  /** UNSUBSCRIBE and PING while subscribed; false when not subscribed. */
  forward(args: string[]): boolean {
    const connection = this.#connection
    if (!this.#active || !connection || connection.closed) return false
    connection.write(this.#outgoing(args))
    return true
  }

  leave(): void {
    const connection = this.#connection
    this.#connection = null
    this.#count = 0
    connection?.close()
    this.deps.left?.()
    if (this.#active) {
      this.#active = false
      if (!this.#closed) this.deps.send({ type: 'mode', subscribed: false })
    }
  }

  close(): void {
    this.#closed = true
    this.leave()
  }

  #outgoing(args: string[]): string[] {
    return this.deps.outgoing ? this.deps.outgoing(args) : args
  }

  async #open(): Promise<RespConnection> {
    if (this.#connection && !this.#connection.closed) return this.#connection
    const connection = await this.deps.open()
    connection.onStream = (reply) => this.#onPush(reply)
    connection.on('close', () => {
      if (this.#connection === connection) this.leave()
    })
    this.#connection = connection
    return connection
  }

  #onPush(raw: Reply): void {
    const reply = this.deps.incoming ? this.deps.incoming(raw) : raw
    if (!this.#closed) this.deps.send({ type: 'push', reply })
    // A refused subscription (an error instead of a confirmation) with nothing subscribed leaves
    // the terminal nothing to wait for: back to the prompt instead of "Reading messages...".
    if (reply.t === 'err' && this.#count === 0) return this.leave()
    if (reply.t !== 'arr' || reply.a[0]?.t !== 'bulk') return
    const kind = reply.a[0].s
    const target = reply.a[1]
    if (target?.t === 'bulk') this.deps.confirmed?.(kind, target.s)
    const count = reply.a[2]
    if (count?.t === 'int') this.#count = Number(count.n)
    if (UNSUBSCRIBE_COMMANDS.has(kind.toUpperCase()) && count?.t === 'int' && count.n === '0') this.leave()
  }
}
