/**
 * @module One browser terminal's conversation with its sandbox.
 *
 * Commands are pipelined on a raw RESP connection authenticated as the
 * sandbox's ACL user, and replies go back in command order. A few commands
 * change what later commands mean (SUBSCRIBE, UNSUBSCRIBE, RESET): those are
 * barriers, so the commands after them are judged in the state they leave.
 */
import { LIMITS, type Reply, type ServerMessage } from '../protocol.ts'
import { ConnectionClosedError, RespConnection } from '../resp/RespConnection.ts'
import type { AdminClient } from '../valkey/adminClient.ts'
import type { SandboxUsers } from './aclRules.ts'
import { stripNames } from './channels.ts'
import { BLOCKING_COMMANDS, SCRIPT_COMMANDS, decide, upper, type Decision } from './commandPolicy.ts'
import type { PatternBook } from './PatternBook.ts'
import { FairWindow, isHeavy } from './FairWindow.ts'
import { SubscriberChannel } from './SubscriberChannel.ts'
import type { LuaMemoryBrake } from './LuaMemoryBrake.ts'
import type { MemoryQuota } from './MemoryQuota.ts'
import type { ScriptBook } from './ScriptBook.ts'
import { OWNERSHIP_MS, stopRunningScript } from './ScriptStopper.ts'
import { scopeInfo } from './scopedInfo.ts'

export type SessionDeps = {
  valkey: { host: string; port: number }
  admin: AdminClient
  users: SandboxUsers
  patterns: PatternBook
  send: (message: ServerMessage) => void
  /** A script running longer than this is stopped with SCRIPT KILL (or a restart from disk, see ScriptStopper). */
  scriptTimeoutMs: number
  /** The sandboxes' script books (script cache and Lua VM state fenced per sandbox); absent: scripts go as typed. */
  scripts?: ScriptBook
  /** Kills and restarts the embedded server from its append-only file; null with a server we did not start. */
  restartValkey?: (() => boolean) | null
  /** The sandboxes' memory quota; absent: none (SANDBOX_MEMORY_MB=0). */
  quota?: MemoryQuota | null
  /** Gives back memory scripts took in Lua (absent: none). */
  luaBrake?: LuaMemoryBrake | null
  /** Resolves once every reply handed to `send` so far has gone out to the page (large ones take turns). */
  drained?: () => Promise<void>
}

type Dispatched = { replies: Promise<Reply[]>; barrier: boolean }
type InFlight = { name: string; since: number; timer?: NodeJS.Timeout }
/** A command awaiting its turn to be answered to the page. */
type Entry = {
  id: number
  started: number
  replies: Reply[] | null
  at: number
  mapReply?: (reply: Reply) => Reply
  /** The sandbox looked full when the command arrived: confirm before sending it. */
  quotaCheck?: boolean
}

const err = (s: string): Reply => ({ t: 'err', s })
const bulk = (s: string): Reply => ({ t: 'bulk', s })
const int = (n: number): Reply => ({ t: 'int', n: String(n) })

/** A command Valkey does not know: queued inside MULTI it makes EXEC fail with EXECABORT. */
const ABORT_TRANSACTION = ['PLAYGROUND-REFUSED-COMMAND']

/** Ctrl-C with nothing to stop yet (the command is on its way) is retried this often, for up to 2 s. */
const CANCEL_RETRY_MS = 50
const CANCEL_ATTEMPTS = 40
/** A heavy reply that took this long to go out holds its terminal's window as long again (at most PACE_MAX_MS). */
const PACE_FROM_MS = 5
/** Replies with at least this many elements are kept as JSON text, not as objects. */
const ENCODE_FROM_ELEMENTS = 1024
const PACE_MAX_MS = 1000

export class TerminalSession {
  #main: Promise<RespConnection> | null = null
  /** The main connection once it is open, for the synchronous fast path. */
  #ready: RespConnection | null = null
  #clientId = ''
  #inMulti = false
  /** The server was restarted to stop this session's script: its lost replies say so. */
  #scriptRestarted = false
  /** Subscribed mode, on a connection of its own. */
  readonly #channel: SubscriberChannel
  /** Commands whose replies have not been sent to the page yet, in order. */
  #entries: Entry[] = []
  /** When the previous reply was ready (performance.now()), for timing pipelined commands. */
  #lastAt = 0
  /** Commands sent on the main connection and not answered yet; replies come back in this order. */
  #inFlight: InFlight[] = []
  /** How many of them may be at Valkey at once: this sandbox's share of the server. */
  #window = new FairWindow()
  /** Orders the slow path (connecting, scoped views, barriers); the fast path waits for it to be idle. */
  #sequence: Promise<unknown> = Promise.resolve()
  #slow = 0
  /** Barrier commands waiting until every earlier reply has been sent. */
  #headWaiters = new Map<Entry, () => void>()
  #closed = false

  constructor(private readonly deps: SessionDeps) {
    this.#channel = new SubscriberChannel({ ...deps, owner: this })
  }

  get db(): number {
    return this.deps.users.db
  }

  /** Runs one command from the page; its replies are sent in order. */
  command(id: number, original: string[]): void {
    const entry: Entry = { id, started: performance.now(), replies: null, at: 0 }
    this.#entries.push(entry)
    // Script commands go through the sandbox's own script book (cache and VM state fenced).
    const quota = this.deps.quota ?? null
    const fenced = this.deps.scripts?.fence(this.db, original, quota?.remaining(this.db) ?? 0) ?? null
    const args = fenced?.args ?? original
    if (fenced?.mapReply) {
      if (fenced.notInMulti && this.#inMulti) {
        // Their replies would come back inside EXEC's, where they cannot be translated.
        this.#sendUntracked(ABORT_TRANSACTION)
        this.#complete(entry, [err(`ERR SCRIPT ${upper(original[1] ?? '')} is not available inside MULTI in the playground`)])
        return
      }
      entry.mapReply = fenced.mapReply
    }
    // A page that does not wait for replies must not queue unbounded work.
    if (this.#entries.length > LIMITS.maxInFlight) {
      this.#complete(entry, [err(`ERR too many commands in flight (more than ${LIMITS.maxInFlight}); wait for replies`)])
      return
    }
    // A full sandbox's growing commands wait for a fresh measurement (the slow path).
    entry.quotaCheck = quota?.mayRefuse(this.db, upper(original[0] ?? ''), original) ?? false
    // Fast path: nothing is ahead in the slow lane, so the command can be
    // written now; a paste is pipelined with one promise per command.
    if (this.#slow === 0 && !entry.quotaCheck && this.#tryFast(entry, args)) return
    this.#slow++
    const dispatched = this.#sequence.then(() => this.#dispatch(args, entry))
    this.#sequence = dispatched
      .then(
        (d) => (d.barrier ? d.replies.catch(() => undefined) : undefined),
        () => undefined
      )
      .finally(() => this.#slow--)
    dispatched
      .then((d) => d.replies)
      .then(
        (replies) => this.#complete(entry, replies),
        (error: unknown) => this.#complete(entry, [this.#failure(error)])
      )
  }

  /** Ctrl-C: leave subscribed mode, unblock a blocking command or stop a script. */
  async cancel(): Promise<void> {
    if (this.#channel.subscribed) {
      this.#channel.leave()
      return
    }
    // Ctrl-C right after Enter can arrive before the command is written (the
    // connection is still opening) or before Valkey has blocked the client
    // (CLIENT UNBLOCK then answers 0). Either way the press must not be lost:
    // while commands are still waiting for replies, look again shortly.
    for (let attempt = 0; attempt < CANCEL_ATTEMPTS; attempt++) {
      if (this.#closed || this.#entries.length === 0) return
      const current = this.#inFlight[0]
      if (current && BLOCKING_COMMANDS.has(current.name) && this.#clientId) {
        const unblocked = await this.deps.admin.call('client', 'unblock', this.#clientId, 'error').catch(() => 0)
        if (Number(unblocked) === 1) return
      } else if (current && (SCRIPT_COMMANDS.has(current.name) || current.name === 'EXEC')) {
        // Only once the running script must be ours (ScriptStopper); until then, look again.
        if (performance.now() - current.since >= OWNERSHIP_MS) {
          await this.#killScript()
          return
        }
      }
      // Nothing to stop yet, or an ordinary command ahead that is about to be answered.
      await new Promise((resolve) => setTimeout(resolve, CANCEL_RETRY_MS))
    }
  }

  close(): void {
    this.#closed = true
    for (const item of this.#inFlight) clearTimeout(item.timer)
    this.#window.drain()
    this.#main?.then((connection) => connection.close()).catch(() => undefined)
    this.#main = null
    this.#ready = null
    this.#channel.close()
  }

  // ------------------------------------------------------------ output, in order

  #complete(entry: Entry, replies: Reply[]): void {
    entry.replies = entry.mapReply ? replies.map(entry.mapReply) : replies
    entry.at = performance.now()
    while (this.#entries.length > 0 && this.#entries[0]!.replies) {
      const done = this.#entries.shift()!
      // A pipelined command only starts once the one before it is answered:
      // its time is measured from then, not from its arrival.
      const ms = Math.round(done.at - Math.max(done.started, this.#lastAt))
      this.#lastAt = done.at
      if (!this.#closed) this.deps.send({ type: 'reply', id: done.id, replies: done.replies!, ms })
    }
    const head = this.#entries[0]
    if (head) this.#headWaiters.get(head)?.()
  }

  /** Resolves once every reply before `entry` has been sent (pushes must not overtake them). */
  #afterEarlierReplies(entry: Entry): Promise<void> {
    if (this.#entries[0] === entry) return Promise.resolve()
    return new Promise((resolve) =>
      this.#headWaiters.set(entry, () => {
        this.#headWaiters.delete(entry)
        resolve()
      })
    )
  }

  // ------------------------------------------------------------ dispatch

  /** Decides and writes a command synchronously when no waiting is needed. */
  #tryFast(entry: Entry, args: string[]): boolean {
    const connection = this.#ready
    if (!connection || connection.closed) return false
    const name = upper(args[0]!)
    const decision = decide(args, { subscribed: this.#channel.subscribed }, name)
    const finalArgs = this.#immediateArgs(decision, args)
    if (finalArgs === null) return false
    if (typeof finalArgs === 'string') {
      this.#complete(entry, [err(finalArgs)])
      return true
    }
    void this.#write(connection, finalArgs, name).then((replies) => this.#complete(entry, replies))
    return true
  }

  /**
   * What to write for commands that need no waiting: the arguments (channel
   * prefixed for PUBLISH), an error text for a refusal, or null when the
   * command needs the slow path.
   */
  #immediateArgs(decision: Decision, args: string[]): string[] | string | null {
    if (this.#inMulti) {
      // Inside MULTI Valkey must see the command, so that a refused one makes
      // EXEC fail (EXECABORT) exactly as an unknown command would.
      if (decision.kind === 'refuse') {
        this.#sendUntracked(ABORT_TRANSACTION)
        return decision.message
      }
      if (decision.kind !== 'reset' && decision.kind !== 'publish') return args
    }
    switch (decision.kind) {
      case 'send':
        return args
      case 'publish': {
        const [command, channel, ...rest] = args
        return channel === undefined ? args : [command!, this.deps.users.channelPrefix + channel, ...rest]
      }
      case 'refuse':
        return decision.message
      default:
        return null
    }
  }

  async #dispatch(args: string[], entry: Entry): Promise<Dispatched> {
    const name = upper(args[0]!)
    const full = entry.quotaCheck ? await this.deps.quota?.refusal(this.db, name, args) : null
    if (full) {
      // Inside MULTI the refusal must fail EXEC too, as any refused command does.
      if (this.#inMulti) this.#sendUntracked(ABORT_TRANSACTION)
      return { replies: Promise.resolve([err(full)]), barrier: false }
    }
    const decision = decide(args, { subscribed: this.#channel.subscribed }, name)
    const immediate = this.#immediateArgs(decision, args)
    if (typeof immediate === 'string') return { replies: Promise.resolve([err(immediate)]), barrier: false }
    if (immediate !== null) {
      const connection = await this.#connection()
      return { replies: this.#write(connection, immediate, name), barrier: false }
    }
    switch (decision.kind) {
      case 'info':
        return { replies: this.#info(args), barrier: false }
      case 'pubsub':
        return { replies: this.#pubsub(args), barrier: false }
      case 'subscribe':
        return { replies: this.#afterEarlierReplies(entry).then(() => this.#channel.subscribe(args, name)), barrier: true }
      case 'unsubscribe':
        return { replies: this.#afterEarlierReplies(entry).then(() => this.#unsubscribe(args, name)), barrier: true }
      case 'reset':
        return { replies: this.#afterEarlierReplies(entry).then(() => this.#reset()), barrier: true }
      default:
        throw new Error(`no route for ${decision.kind}`)
    }
  }

  /** Writes a command on the main connection; resolves with its reply (errors become error replies). */
  #write(connection: RespConnection, args: readonly string[], name: string): Promise<Reply[]> {
    if (name === 'MULTI') this.#inMulti = true
    else if (name === 'EXEC' || name === 'DISCARD') this.#inMulti = false
    const flushes = name === 'FLUSHDB' && !this.#inMulti
    // Not at Valkey yet: it may wait for its turn in the window (FairWindow).
    const item: InFlight = { name, since: Infinity }
    this.#inFlight.push(item)
    const heavy = isHeavy(name)
    const scripted = SCRIPT_COMMANDS.has(name) || name === 'EXEC'
    const done = () => {
      clearTimeout(item.timer)
      if (scripted) this.deps.luaBrake?.afterScript()
      this.#release(heavy, item.since)
      // Replies arrive in order, so the answered command is the oldest.
      if (this.#inFlight[0] === item) this.#inFlight.shift()
      else this.#inFlight.splice(this.#inFlight.indexOf(item), 1)
    }
    return new Promise<Reply[]>((resolve) => {
      this.#window.admit(heavy, () => {
        item.since = performance.now()
        if (scripted) {
          item.timer = setTimeout(() => void this.#killScript(), this.deps.scriptTimeoutMs)
        }
        connection.send(args).then(
          (reply) => {
            done()
            // FLUSHDB raises no keyspace events: the meter is told directly.
            if (flushes && reply.t === 'str') this.deps.quota?.emptied(this.db)
            resolve([reply])
          },
          (error: unknown) => {
            done()
            resolve([this.#failure(error)])
          }
        )
      })
    })
  }

  /**
   * Frees the command's place in the window. A heavy command's place is held until its reply has
   * gone out to the page: a large reply is encoded in turns (FrameWriter), and the next heavy
   * command's reply must not be decoded meanwhile, or one attendee's flood would take the proxy
   * twice over. The reply reaches `send` after this promise callback, hence the turn's wait.
   */
  #release(heavy: boolean, sentAt: number): void {
    const drained = this.deps.drained
    if (!heavy || !drained) {
      this.#window.done(heavy)
      return
    }
    const release = () => {
      // As long again as the command took, from being sent to its reply having gone out (Valkey's
      // time and the proxy's): one attendee's heavy commands get about half of either at most,
      // whatever they ask for, and everyone else's commands find them idle half the time.
      const spent = performance.now() - sentAt
      if (spent < PACE_FROM_MS) this.#window.done(heavy)
      else setTimeout(() => this.#window.done(heavy), Math.min(spent, PACE_MAX_MS))
    }
    setImmediate(() => void drained().then(release, release))
  }

  /** A command whose reply nobody waits for (the MULTI-aborting marker). */
  #sendUntracked(args: readonly string[]): void {
    const connection = this.#ready
    if (connection && !connection.closed) void this.#write(connection, args, upper(args[0]!))
    else
      void this.#connection()
        .then((c) => this.#write(c, args, upper(args[0]!)))
        .catch(() => undefined)
  }

  async #killScript(): Promise<void> {
    const outcome = await stopRunningScript({ admin: this.deps.admin, restartValkey: this.deps.restartValkey ?? null })
    if (outcome === 'restarted') this.#scriptRestarted = true
    else if (outcome === 'unkillable') {
      this.deps.send({
        type: 'notice',
        level: 'error',
        text: 'Your script wrote data and is still running; Valkey cannot stop such a script, and this playground may not restart the server it uses (VALKEY_URL).',
      })
    }
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
            if (this.#ready === connection) this.#ready = null
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
    // Large replies stay JSON text on their way to the page (EncodedAggregate).
    const connection = await RespConnection.connect({ ...valkey, encodeFrom: ENCODE_FROM_ELEMENTS })
    this.#scriptRestarted = false
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

  #failure(error: unknown): Reply {
    // Every command that was waiting when the server went down gets this (the flag ends with the
    // next connection).
    if (error instanceof ConnectionClosedError && this.#scriptRestarted) {
      return err(
        'ERR the script wrote data and then kept running, which Valkey cannot interrupt, so the playground restarted Valkey ' +
          'from its append-only file: every sandbox, yours too, is as it was before the script started, and the script changed nothing'
      )
    }
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

  // ------------------------------------------------------------ pub/sub (SubscriberChannel)

  async #unsubscribe(args: string[], name: string): Promise<Reply[]> {
    if (this.#channel.forward(args, name)) return []
    if (name === 'PING') return this.#write(await this.#connection(), args, name)
    // Not subscribed: Valkey answers one confirmation per channel (or one with
    // a nil channel), each with a count of 0.
    const kind = bulk(name.toLowerCase())
    const channels = args.slice(1)
    if (channels.length === 0) return [{ t: 'arr', a: [kind, { t: 'nil' }, int(0)] }]
    return channels.map((channel) => ({ t: 'arr', a: [kind, bulk(channel), int(0)] }))
  }

  /** RESET: a fresh connection is the most faithful way to drop every piece of state. */
  async #reset(): Promise<Reply[]> {
    this.#channel.leave()
    const previous = this.#main
    this.#main = null
    this.#ready = null
    this.#inMulti = false
    await previous?.then((connection) => connection.close()).catch(() => undefined)
    await this.#connection()
    return [{ t: 'str', s: 'RESET' }]
  }
}
