/**
 * @module One browser terminal's conversation with its sandbox.
 *
 * Commands are pipelined on a raw RESP connection authenticated as the
 * sandbox's ACL user, and replies go back in command order. A few commands
 * change what later commands mean (SUBSCRIBE, UNSUBSCRIBE, RESET): those are
 * barriers, so the commands after them are judged in the state they leave.
 */
import type { Reply, ServerMessage } from '../protocol.ts'
import { ConnectionClosedError, RespConnection } from '../resp/RespConnection.ts'
import type { AdminClient } from '../valkey/adminClient.ts'
import type { SandboxUsers } from './aclRules.ts'
import { stripNames, stripPubSubReply } from './channels.ts'
import { BLOCKING_COMMANDS, SCRIPT_COMMANDS, UNSUBSCRIBE_COMMANDS, decide, upper } from './commandPolicy.ts'
import type { PatternBook } from './PatternBook.ts'
import { scopeInfo } from './scopedInfo.ts'

export type SessionDeps = {
  valkey: { host: string; port: number }
  admin: AdminClient
  users: SandboxUsers
  patterns: PatternBook
  send: (message: ServerMessage) => void
  /** A script running longer than this is stopped with SCRIPT KILL. */
  scriptTimeoutMs: number
}

type Dispatched = { replies: Promise<Reply[]>; barrier: boolean }
type InFlight = { name: string; args: readonly string[]; timer?: NodeJS.Timeout }

const err = (s: string): Reply => ({ t: 'err', s })
const bulk = (s: string): Reply => ({ t: 'bulk', s })
const int = (n: number): Reply => ({ t: 'int', n: String(n) })

/** A command Valkey does not know: queued inside MULTI it makes EXEC fail with EXECABORT. */
const ABORT_TRANSACTION = ['PLAYGROUND-REFUSED-COMMAND']

export class TerminalSession {
  #main: Promise<RespConnection> | null = null
  #clientId = ''
  #inMulti = false
  #subscriber: RespConnection | null = null
  #subscribed = false
  #patterns = new Set<string>()
  /** Serialises dispatch; passes through immediately unless a barrier is running. */
  #sequence: Promise<unknown> = Promise.resolve()
  /** Serialises output, so replies leave in command order. */
  #output: Promise<unknown> = Promise.resolve()
  #inFlight: InFlight[] = []
  /** When the previous command's reply was ready (performance.now()). */
  #lastDone: Promise<number> = Promise.resolve(0)
  #closed = false

  constructor(private readonly deps: SessionDeps) {}

  get db(): number {
    return this.deps.users.db
  }

  /** Runs one command from the page; its replies are sent in order. */
  command(id: number, args: string[]): void {
    const started = performance.now()
    const earlierOutput = this.#output
    const dispatched = this.#sequence.then(() => this.#dispatch(args, earlierOutput))
    this.#sequence = dispatched.then(
      (d) => (d.barrier ? d.replies.catch(() => undefined) : undefined),
      () => undefined
    )
    const replies = dispatched.then((d) => d.replies).catch((error: unknown) => [this.#failure(error)])
    const finished = replies.then((list) => ({ list, at: performance.now() }))
    // A pipelined command only starts once the one before it is answered:
    // its time is measured from then, not from its arrival.
    const previousDone = this.#lastDone
    this.#lastDone = finished.then(({ at }) => at)
    this.#output = this.#output
      .then(() => Promise.all([finished, previousDone]))
      .then(([{ list, at }, previousAt]) => {
        if (!this.#closed) {
          this.deps.send({ type: 'reply', id, replies: list, ms: Math.round(at - Math.max(started, previousAt)) })
        }
      })
  }

  /** Ctrl-C: leave subscribed mode, unblock a blocking command or stop a script. */
  async cancel(): Promise<void> {
    if (this.#subscribed) {
      this.#leaveSubscribedMode()
      return
    }
    const current = this.#inFlight[0]
    if (!current) return
    if (BLOCKING_COMMANDS.has(current.name) && this.#clientId) {
      await this.deps.admin.call('client', 'unblock', this.#clientId, 'error').catch(() => undefined)
    } else if (SCRIPT_COMMANDS.has(current.name) || current.name === 'EXEC') {
      await this.#killScript()
    }
  }

  close(): void {
    this.#closed = true
    for (const item of this.#inFlight) clearTimeout(item.timer)
    this.#main?.then((connection) => connection.close()).catch(() => undefined)
    this.#main = null
    this.#subscriber?.close()
    this.#subscriber = null
    this.deps.patterns.set(this.db, this, new Set())
  }

  // ------------------------------------------------------------ dispatch

  async #dispatch(args: string[], earlierOutput: Promise<unknown>): Promise<Dispatched> {
    const name = upper(args[0]!)
    const decision = decide(args, { subscribed: this.#subscribed })
    const now = (replies: Reply[]) => ({ replies: Promise.resolve(replies), barrier: false })

    if (this.#inMulti) {
      // Inside MULTI Valkey must see the command, so that a refused one makes
      // EXEC fail (EXECABORT) exactly as an unknown command would.
      if (decision.kind === 'refuse') {
        this.#send(ABORT_TRANSACTION).catch(() => undefined)
        return now([err(decision.message)])
      }
      if (decision.kind !== 'reset' && decision.kind !== 'publish') return this.#pass(args, name)
    }

    switch (decision.kind) {
      case 'send':
        return this.#pass(args, name)
      case 'publish': {
        const [command, channel, ...rest] = args
        if (channel === undefined) return this.#pass(args, name)
        return this.#pass([command!, this.deps.users.channelPrefix + channel, ...rest], name)
      }
      case 'refuse':
        return now([err(decision.message)])
      case 'info':
        return { replies: this.#info(args), barrier: false }
      case 'pubsub':
        return { replies: this.#pubsub(args), barrier: false }
      // These wait until every earlier reply has been sent: the pushes they
      // cause must not overtake replies still on their way.
      case 'subscribe':
        return { replies: earlierOutput.then(() => this.#subscribe(args, name)), barrier: true }
      case 'unsubscribe':
        return { replies: earlierOutput.then(() => this.#unsubscribe(args, name)), barrier: true }
      case 'reset':
        return { replies: earlierOutput.then(() => this.#reset()), barrier: true }
    }
  }

  #pass(args: string[], name: string): Dispatched {
    if (name === 'MULTI') this.#inMulti = true
    else if (name === 'EXEC' || name === 'DISCARD') this.#inMulti = false
    return { replies: this.#send(args).then((reply) => [reply]), barrier: false }
  }

  async #send(args: readonly string[]): Promise<Reply> {
    const connection = await this.#connection()
    const item: InFlight = { name: upper(args[0]!), args }
    if (SCRIPT_COMMANDS.has(item.name) || item.name === 'EXEC') {
      item.timer = setTimeout(() => void this.#killScript(), this.deps.scriptTimeoutMs)
    }
    this.#inFlight.push(item)
    try {
      return await connection.send(args)
    } finally {
      clearTimeout(item.timer)
      const index = this.#inFlight.indexOf(item)
      if (index >= 0) this.#inFlight.splice(index, 1)
    }
  }

  async #killScript(): Promise<void> {
    const { admin } = this.deps
    await admin.call('script', 'kill').catch(() => undefined)
    await admin.call('function', 'kill').catch(() => undefined)
  }

  // ------------------------------------------------------------ connections

  #connection(): Promise<RespConnection> {
    if (!this.#main) {
      const opening = this.#openMain()
      this.#main = opening
      opening.then(
        (connection) =>
          connection.on('close', () => {
            if (this.#main === opening) this.#main = null
            this.#inMulti = false
          }),
        () => {
          if (this.#main === opening) this.#main = null
        }
      )
    }
    return this.#main
  }

  async #openMain(): Promise<RespConnection> {
    const { users, valkey } = this.deps
    const connection = await RespConnection.connect(valkey)
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
    return connection
  }

  #failure(error: unknown): Reply {
    if (error instanceof ConnectionClosedError) return err(`ERR ${error.message}`)
    const message = error instanceof Error ? error.message : String(error)
    return err(`ERR the playground cannot reach Valkey right now (${message}); try again in a moment`)
  }

  // ------------------------------------------------------------ scoped views

  async #info(args: string[]): Promise<Reply[]> {
    const text = (await this.deps.admin.callBuffer('info', ...args.slice(1))) as Buffer
    return [bulk(scopeInfo(text.toString('latin1'), this.db))]
  }

  async #pubsub(args: string[]): Promise<Reply[]> {
    const { admin, users } = this.deps
    const prefix = users.channelPrefix
    const sub = upper(args[1] ?? '')
    const arity = (full: string) => [err(`ERR wrong number of arguments for '${full}' command`)]
    const latin1 = (value: unknown) => (Buffer.isBuffer(value) ? value.toString('latin1') : String(value))
    switch (sub) {
      case '':
        return arity('pubsub')
      case 'CHANNELS':
      case 'SHARDCHANNELS': {
        if (args.length > 3) return arity(`pubsub|${sub.toLowerCase()}`)
        const names = (await admin.callBuffer('pubsub', sub.toLowerCase(), prefix + (args[2] ?? '*'))) as Buffer[]
        return [{ t: 'arr', a: stripNames(names.map(latin1), prefix).map(bulk) }]
      }
      case 'NUMSUB':
      case 'SHARDNUMSUB': {
        const channels = args.slice(2)
        const counts = (await admin.callBuffer('pubsub', sub.toLowerCase(), ...channels.map((c) => prefix + c))) as unknown[]
        const items: Reply[] = []
        channels.forEach((channel, index) => items.push(bulk(channel), int(Number(counts[index * 2 + 1] ?? 0))))
        return [{ t: 'arr', a: items }]
      }
      case 'NUMPAT':
        if (args.length > 2) return arity('pubsub|numpat')
        return [int(this.deps.patterns.count(this.db))]
      case 'HELP': {
        const lines = (await admin.call('pubsub', 'help')) as string[]
        return [{ t: 'arr', a: lines.map((line) => ({ t: 'str', s: line })) }]
      }
      default:
        return [err(`ERR unknown subcommand '${args[1]}'. Try PUBSUB HELP.`)]
    }
  }

  // ------------------------------------------------------------ pub/sub

  async #subscriberConnection(): Promise<RespConnection> {
    if (this.#subscriber && !this.#subscriber.closed) return this.#subscriber
    const { users, valkey } = this.deps
    const connection = await RespConnection.connect(valkey)
    const auth = await connection.send(['AUTH', users.subscriberUser, users.subscriberPassword])
    if (auth.t === 'err') {
      connection.close()
      throw new Error(`subscriber sign-in failed: ${auth.s}`)
    }
    connection.onStream = (reply) => this.#onPubSub(reply)
    connection.on('close', () => {
      if (this.#subscriber === connection) this.#leaveSubscribedMode()
    })
    this.#subscriber = connection
    return connection
  }

  async #subscribe(args: string[], name: string): Promise<Reply[]> {
    if (args.length < 2) return [err(`ERR wrong number of arguments for '${name.toLowerCase()}' command`)]
    const { admin, users } = this.deps
    const prefixed = args.slice(1).map((channel) => users.channelPrefix + channel)
    if (name === 'PSUBSCRIBE') {
      // Valkey compares a PSUBSCRIBE pattern with ACL channel rules literally,
      // so each (prefixed, hence sandbox-bound) pattern is granted as written.
      await admin.call('acl', 'setuser', users.subscriberUser, ...prefixed.map((pattern) => `&${pattern}`))
    }
    const connection = await this.#subscriberConnection()
    connection.write([args[0]!, ...prefixed])
    if (!this.#subscribed) {
      this.#subscribed = true
      this.deps.send({ type: 'mode', subscribed: true })
    }
    return []
  }

  async #unsubscribe(args: string[], name: string): Promise<Reply[]> {
    if (this.#subscribed && this.#subscriber && !this.#subscriber.closed) {
      const prefix = this.deps.users.channelPrefix
      const forwarded = name === 'PING' ? args : [args[0]!, ...args.slice(1).map((c) => prefix + c)]
      this.#subscriber.write(forwarded)
      return []
    }
    if (name === 'PING') return this.#pass(args, name).replies
    // Not subscribed: Valkey answers one confirmation per channel (or one with
    // a nil channel), each with a count of 0.
    const kind = bulk(name.toLowerCase())
    const channels = args.slice(1)
    if (channels.length === 0) return [{ t: 'arr', a: [kind, { t: 'nil' }, int(0)] }]
    return channels.map((channel) => ({ t: 'arr', a: [kind, bulk(channel), int(0)] }))
  }

  #onPubSub(raw: Reply): void {
    const reply = stripPubSubReply(raw, this.deps.users.channelPrefix)
    if (!this.#closed) this.deps.send({ type: 'push', reply })
    if (reply.t !== 'arr' || reply.a[0]?.t !== 'bulk') return
    const kind = reply.a[0].s
    const target = reply.a[1]
    if (target?.t === 'bulk') {
      if (kind === 'psubscribe') this.#patterns.add(target.s)
      if (kind === 'punsubscribe') this.#patterns.delete(target.s)
      this.deps.patterns.set(this.db, this, new Set(this.#patterns))
    }
    const count = reply.a[2]
    if (UNSUBSCRIBE_COMMANDS.has(kind.toUpperCase()) && count?.t === 'int' && count.n === '0') {
      this.#leaveSubscribedMode()
    }
  }

  #leaveSubscribedMode(): void {
    const connection = this.#subscriber
    this.#subscriber = null
    connection?.close()
    this.#patterns.clear()
    this.deps.patterns.set(this.db, this, new Set())
    if (this.#subscribed) {
      this.#subscribed = false
      if (!this.#closed) this.deps.send({ type: 'mode', subscribed: false })
    }
  }

  /** RESET: a fresh connection is the most faithful way to drop every piece of state. */
  async #reset(): Promise<Reply[]> {
    this.#leaveSubscribedMode()
    const previous = this.#main
    this.#main = null
    this.#inMulti = false
    await previous?.then((connection) => connection.close()).catch(() => undefined)
    await this.#connection()
    return [{ t: 'str', s: 'RESET' }]
  }
}
