/**
 * @module Subscribed mode of the inspect terminal: SUBSCRIBE, PSUBSCRIBE and SSUBSCRIBE run on a
 * connection of their own, whose every reply (confirmations, messages) goes to the page as a push,
 * and which is closed to leave (Ctrl-C, RESET, or the last UNSUBSCRIBE), as valkey-cli does.
 * Channel names go to the server as typed: this is the user's own server, not a sandbox.
 */
import type { Reply, ServerMessage } from '../protocol.ts'
import type { RespConnection } from '../resp/RespConnection.ts'
import { UNSUBSCRIBE_COMMANDS } from '../sandbox/commandPolicy.ts'

export type SubscriptionsDeps = {
  /** Opens a signed-in connection. */
  open: () => Promise<RespConnection>
  send: (message: ServerMessage) => void
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
    connection.write(args)
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
    connection.write(args)
    return true
  }

  leave(): void {
    const connection = this.#connection
    this.#connection = null
    this.#count = 0
    connection?.close()
    if (this.#active) {
      this.#active = false
      if (!this.#closed) this.deps.send({ type: 'mode', subscribed: false })
    }
  }

  close(): void {
    this.#closed = true
    this.leave()
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

  #onPush(reply: Reply): void {
    if (!this.#closed) this.deps.send({ type: 'push', reply })
    // Refused (an ACL without the channel, say) with nothing subscribed: back to the prompt.
    if (reply.t === 'err' && this.#count === 0) return this.leave()
    if (reply.t !== 'arr' || reply.a[0]?.t !== 'bulk') return
    const count = reply.a[2]
    if (count?.t === 'int') this.#count = Number(count.n)
    if (UNSUBSCRIBE_COMMANDS.has(reply.a[0].s.toUpperCase()) && count?.t === 'int' && count.n === '0') this.leave()
  }
}
