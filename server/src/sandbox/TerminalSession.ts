/**
 * @module One browser terminal's conversation with its sandbox.
 *
 * Commands are pipelined on a raw RESP connection authenticated as the
 * sandbox's ACL user, and replies go back in command order. A few commands
 * change what later commands mean (SUBSCRIBE, UNSUBSCRIBE, RESET): those are
 * barriers, so the commands after them are judged in the state they leave.
 */
import { LIMITS, type Reply, type ServerMessage } from '../../../common/protocol/index.ts'
import { ConnectionClosedError, type RespConnection } from '../resp/RespConnection.ts'
import { ReplyOrder } from '../resp/ReplyOrder.ts'
import { SlowLane, type Dispatched } from '../resp/SlowLane.ts'
import type { AdminClient } from '../valkey/adminClient.ts'
import type { SandboxUsers } from './aclRules.ts'
import { BLOCKING_COMMANDS, SCRIPT_COMMANDS, upper } from '../../../common/commands/commandNames.ts'
import { decide, type Decision } from './commandPolicy.ts'
import type { PatternBook } from './PatternBook.ts'
import { translateSessionCommand } from '../sessions/sessionCommands.ts'
import { CommandLane } from './CommandLane.ts'
import { MainConnection } from './MainConnection.ts'
import { SubscriberChannel } from './SubscriberChannel.ts'
import type { LuaMemoryBrake } from './LuaMemoryBrake.ts'
import type { MemoryQuota } from './MemoryQuota.ts'
import type { ScriptBook } from './ScriptBook.ts'
import { OWNERSHIP_MS, stopRunningScript } from './ScriptStopper.ts'
import { infoReply, pubsubReply, unsubscribedReplies } from './scopedReplies.ts'

export type SessionDeps = {
  valkey: { host: string; port: number }
  admin: AdminClient
  users: SandboxUsers
  /** The sandbox's number across the pool (the script book's key); absent: its database (one server). */
  sandbox?: number
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

/** A command awaiting its turn to be answered to the page. */
type Entry = {
  id: number
  started: number
  replies: Reply[] | null
  at: number
  mapReply?: (reply: Reply) => Reply
  /** The sandbox looked full when the command arrived: confirm before sending it. */
  quotaCheck?: boolean
  /** The FCALL a session-manager command became (shown above its reply). */
  ran?: string[]
}

const err = (s: string): Reply => ({ t: 'err', s })

/** A command Valkey does not know: queued inside MULTI it makes EXEC fail with EXECABORT. */
const ABORT_TRANSACTION = ['PLAYGROUND-REFUSED-COMMAND']

/** Ctrl-C with nothing to stop yet (the command is on its way) is retried this often, for up to 2 s. */
const CANCEL_RETRY_MS = 50
const CANCEL_ATTEMPTS = 40

export class TerminalSession {
  /** The terminal's own connection to Valkey. */
  readonly #main: MainConnection
  #inMulti = false
  /** The server was restarted to stop this session's script: its lost replies say so. */
  #scriptRestarted = false
  /** Subscribed mode, on a connection of its own. */
  readonly #channel: SubscriberChannel
  /** Commands on their way to Valkey, with this sandbox's share of the server (CommandLane). */
  readonly #lane: CommandLane
  /** Orders the slow path (connecting, scoped views, barriers); the fast path waits for it to be idle. */
  readonly #slow = new SlowLane()
  #closed = false
  /** Commands whose replies have not been sent to the page yet, in order. */
  readonly #order = new ReplyOrder<Entry>((done, ms) => {
    if (!this.#closed) this.deps.send({ type: 'reply', id: done.id, replies: done.replies!, ms, ...(done.ran ? { ran: done.ran } : {}) })
  })

  constructor(private readonly deps: SessionDeps) {
    this.#channel = new SubscriberChannel({ ...deps, owner: this })
    this.#main = new MainConnection({
      valkey: deps.valkey,
      users: deps.users,
      // The flag ends with the connection the restart took away.
      opening: () => (this.#scriptRestarted = false),
      lost: () => (this.#inMulti = false),
    })
    this.#lane = new CommandLane({
      scriptTimeoutMs: deps.scriptTimeoutMs,
      onScriptTimeout: () => void this.#killScript(),
      afterScript: () => deps.luaBrake?.afterScript(),
      drained: deps.drained,
    })
  }

  get db(): number {
    return this.deps.users.db
  }

  /** Runs one command from the page; its replies are sent in order. */
  command(id: number, typed: string[]): void {
    const entry: Entry = { id, started: performance.now(), replies: null, at: 0 }
    this.#order.add(entry)
    // SESSION.* and CUSTOM.* are the playground's library, run as the FCALL they stand for.
    const translated = translateSessionCommand(typed)
    if (translated && 'error' in translated) {
      this.#complete(entry, [err(translated.error)])
      return
    }
    if (translated) entry.ran = translated.args
    const original = translated?.args ?? typed
    // Script commands go through the sandbox's own script book (cache and VM state fenced).
    const quota = this.deps.quota ?? null
    const fenced = this.deps.scripts?.fence(this.deps.sandbox ?? this.db, original, quota?.remaining(this.db) ?? 0) ?? null
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
    if (this.#order.size > LIMITS.maxInFlight) {
      this.#complete(entry, [err(`ERR too many commands in flight (more than ${LIMITS.maxInFlight}); wait for replies`)])
      return
    }
    // A full sandbox's growing commands wait for a fresh measurement (the slow path).
    // SESSION.DELETE and CUSTOM.DEL only remove data: like DEL, they run at the quota.
    const frees = translated !== null && translated.frees
    entry.quotaCheck = !frees && (quota?.mayRefuse(this.db, upper(original[0] ?? ''), original) ?? false)
    // Fast path: nothing is ahead in the slow lane, so the command can be
    // written now; a paste is pipelined with one promise per command.
    if (!this.#slow.busy && !entry.quotaCheck && this.#tryFast(entry, args)) return
    this.#slow
      .run(() => this.#dispatch(args, entry))
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
      if (this.#closed || this.#order.size === 0) return
      const current = this.#lane.oldest
      if (current && BLOCKING_COMMANDS.has(current.name) && this.#main.clientId) {
        const unblocked = await this.deps.admin.call('client', 'unblock', this.#main.clientId, 'error').catch(() => 0)
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
    this.#lane.close()
    this.#main.close()
    this.#channel.close()
  }

  // ------------------------------------------------------------ output, in order

  #complete(entry: Entry, replies: Reply[]): void {
    this.#order.complete(entry, entry.mapReply ? replies.map(entry.mapReply) : replies)
  }

  // ------------------------------------------------------------ dispatch

  /** Decides and writes a command synchronously when no waiting is needed. */
  #tryFast(entry: Entry, args: string[]): boolean {
    const connection = this.#main.ready
    if (!connection) return false
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
      const connection = await this.#main.get()
      return { replies: this.#write(connection, immediate, name), barrier: false }
    }
    switch (decision.kind) {
      case 'info':
        return { replies: infoReply(this.deps.admin, args, this.db), barrier: false }
      case 'pubsub':
        return { replies: pubsubReply(this.deps.admin, this.deps.users, this.deps.patterns, args), barrier: false }
      case 'subscribe':
        return { replies: this.#order.afterEarlier(entry).then(() => this.#channel.subscribe(args, name)), barrier: true }
      case 'unsubscribe':
        return { replies: this.#order.afterEarlier(entry).then(() => this.#unsubscribe(args, name)), barrier: true }
      case 'reset':
        return { replies: this.#order.afterEarlier(entry).then(() => this.#reset()), barrier: true }
      default:
        throw new Error(`no route for ${decision.kind}`)
    }
  }

  /** Writes a command on the main connection; resolves with its reply (errors become error replies). */
  #write(connection: RespConnection, args: readonly string[], name: string): Promise<Reply[]> {
    if (name === 'MULTI') this.#inMulti = true
    else if (name === 'EXEC' || name === 'DISCARD') this.#inMulti = false
    const flushes = name === 'FLUSHDB' && !this.#inMulti
    return this.#lane.send(connection, args, name).then(
      (reply) => {
        // FLUSHDB raises no keyspace events: the meter is told directly.
        if (flushes && reply.t === 'str') this.deps.quota?.emptied(this.db)
        return [reply]
      },
      (error: unknown) => [this.#failure(error)]
    )
  }

  /** A command whose reply nobody waits for (the MULTI-aborting marker). */
  #sendUntracked(args: readonly string[]): void {
    const connection = this.#main.ready
    if (connection) void this.#write(connection, args, upper(args[0]!))
    else
      void this.#main
        .get()
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

  // ------------------------------------------------------------ pub/sub (SubscriberChannel)

  async #unsubscribe(args: string[], name: string): Promise<Reply[]> {
    if (this.#channel.forward(args)) return []
    if (name === 'PING') return this.#write(await this.#main.get(), args, name)
    return unsubscribedReplies(args, name)
  }

  /** RESET: a fresh connection is the most faithful way to drop every piece of state. */
  async #reset(): Promise<Reply[]> {
    this.#channel.leave()
    this.#inMulti = false
    await this.#main.replace()
    return [{ t: 'str', s: 'RESET' }]
  }
}
