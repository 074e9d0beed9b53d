/**
 * @module A terminal's subscribed mode: the second connection (signed in as the sandbox's
 * subscriber user) that SUBSCRIBE and PSUBSCRIBE run on, its pushes to the page with the
 * sandbox's channel prefix taken off, and the way back to the prompt.
 *
 * Valkey compares a PSUBSCRIBE pattern with ACL channel rules literally, so each (prefixed, hence
 * sandbox-bound) pattern is granted to the subscriber user as written. The rules are rebuilt from
 * the sandbox's patterns in use each time, so they do not pile up; patterns are bytes and go to
 * Valkey as bytes (as text, a non-ASCII pattern would be encoded twice and refused).
 */
import type { Reply } from '../protocol.ts'
import { RespConnection } from '../resp/RespConnection.ts'
import { stripPubSubReply } from './channels.ts'
import { UNSUBSCRIBE_COMMANDS } from './commandPolicy.ts'
import type { SessionDeps } from './TerminalSession.ts'

/** Distinct PSUBSCRIBE patterns one sandbox may hold (each is an ACL rule on its subscriber user). */
const MAX_PATTERNS = 100

/** What a terminal session already has, plus the session itself as the PatternBook's owner. */
export type SubscriberDeps = Pick<SessionDeps, 'valkey' | 'admin' | 'users' | 'patterns' | 'send'> & { owner: object }

const err = (s: string): Reply => ({ t: 'err', s })

export class SubscriberChannel {
  #connection: RespConnection | null = null
  #subscribed = false
  #patterns = new Set<string>()
  /** Subscriptions Valkey last confirmed on the subscriber connection. */
  #confirmed = 0
  #closed = false

  constructor(private readonly deps: SubscriberDeps) {}

  get subscribed(): boolean {
    return this.#subscribed
  }

  /** SUBSCRIBE, PSUBSCRIBE or SSUBSCRIBE: the replies come as pushes, so this answers nothing itself. */
  async subscribe(args: string[], name: string): Promise<Reply[]> {
    if (args.length < 2) return [err(`ERR wrong number of arguments for '${name.toLowerCase()}' command`)]
    const { admin, users } = this.deps
    const prefixed = args.slice(1).map((channel) => users.channelPrefix + channel)
    if (name === 'PSUBSCRIBE') {
      const wanted = new Set([...this.deps.patterns.all(users.db), ...args.slice(1)])
      if (wanted.size > MAX_PATTERNS) {
        return [err(`ERR a sandbox may hold at most ${MAX_PATTERNS} pattern subscriptions at once in the playground`)]
      }
      const rules = [...wanted].map((pattern) => Buffer.from(`&${users.channelPrefix}${pattern}`, 'latin1'))
      await admin.call('acl', 'setuser', users.subscriberUser, 'resetchannels', `&${users.channelPrefix}*`, ...rules)
    }
    const connection = await this.#open()
    connection.write([args[0]!, ...prefixed])
    if (!this.#subscribed) {
      this.#subscribed = true
      this.deps.send({ type: 'mode', subscribed: true })
    }
    return []
  }

  /** While subscribed, (P|S)UNSUBSCRIBE and PING go on the subscriber connection; false when not subscribed. */
  forward(args: string[], name: string): boolean {
    const connection = this.#connection
    if (!this.#subscribed || !connection || connection.closed) return false
    const prefix = this.deps.users.channelPrefix
    connection.write(name === 'PING' ? args : [args[0]!, ...args.slice(1).map((channel) => prefix + channel)])
    return true
  }

  /** Back to the prompt: the subscriber connection is closed, which ends every subscription. */
  leave(): void {
    const connection = this.#connection
    this.#connection = null
    this.#confirmed = 0
    connection?.close()
    this.#patterns.clear()
    this.deps.patterns.set(this.deps.users.db, this.deps.owner, new Set())
    if (this.#subscribed) {
      this.#subscribed = false
      if (!this.#closed) this.deps.send({ type: 'mode', subscribed: false })
    }
  }

  close(): void {
    this.#closed = true
    this.leave()
  }

  async #open(): Promise<RespConnection> {
    if (this.#connection && !this.#connection.closed) return this.#connection
    const { users, valkey } = this.deps
    const connection = await RespConnection.connect(valkey)
    const auth = await connection.send(['AUTH', users.subscriberUser, users.subscriberPassword])
    if (auth.t === 'err') {
      connection.close()
      throw new Error(`subscriber sign-in failed: ${auth.s}`)
    }
    connection.onStream = (reply) => this.#onPush(reply)
    connection.on('close', () => {
      if (this.#connection === connection) this.leave()
    })
    this.#connection = connection
    return connection
  }

  #onPush(raw: Reply): void {
    const reply = stripPubSubReply(raw, this.deps.users.channelPrefix)
    if (!this.#closed) this.deps.send({ type: 'push', reply })
    // A refused subscription (an error instead of a confirmation) with nothing subscribed leaves
    // the terminal nothing to wait for: back to the prompt instead of "Reading messages...".
    if (reply.t === 'err' && this.#confirmed === 0) {
      this.leave()
      return
    }
    if (reply.t !== 'arr' || reply.a[0]?.t !== 'bulk') return
    const kind = reply.a[0].s
    const target = reply.a[1]
    if (target?.t === 'bulk') {
      if (kind === 'psubscribe') this.#patterns.add(target.s)
      if (kind === 'punsubscribe') this.#patterns.delete(target.s)
      this.deps.patterns.set(this.deps.users.db, this.deps.owner, new Set(this.#patterns))
    }
    const count = reply.a[2]
    if (count?.t === 'int') this.#confirmed = Number(count.n)
    if (UNSUBSCRIBE_COMMANDS.has(kind.toUpperCase()) && count?.t === 'int' && count.n === '0') this.leave()
  }
}
