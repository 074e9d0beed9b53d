/**
 * @module What valkey-cli does with one entered line, and what it prints.
 *
 * No editing and no prompt here (see Repl.ts): a line is split, client-side
 * commands are answered locally, everything else goes through the Transport
 * and its replies are formatted. The browser's terminal and the differential
 * test against the real valkey-cli both run lines through this class.
 *
 * Rules follow valkey-cli's repl(): a repeat count prefix (`3 INCR a`);
 * quit/exit, `:set`, restart, `connect h p` and `clear` are checked on the
 * first word before the repeat count is removed; help is answered locally
 * whatever the count; `(N.NNs)` follows any command that took 500 ms or more.
 */
import type { Reply } from '../protocol/index.ts'
import { utf8Bytes } from './bytes.ts'
import { formatRawReply, formatReply, isRawOutputCommand } from './formatReply.ts'
import { isSensitive } from './History.ts'
import { quoteArgs } from './quoteArgs.ts'
import { splitArgs, type QuoteRules } from './splitArgs.ts'

/** `ran`: what the proxy ran instead (SESSION.CREATE is an FCALL of the playground's library). */
export type CommandResult = { replies: Reply[]; ms: number; ran?: string[] }

/** The line above a playground command's reply that shows the command the proxy ran instead. */
export const ranLine = (ran: readonly string[]) => `-> ${quoteArgs(ran)}`

/** How commands reach Valkey (the WebSocket in the page). */
export interface Transport {
  run(args: string[]): Promise<CommandResult>
  /** Ctrl-C while a command runs or while subscribed. */
  cancel(): void
}

export type LineRunnerOptions = {
  transport: Transport
  /** Output of `help ...` (args include the word help); null until command docs are loaded. */
  help?: (args: string[]) => string
  /** Clears the screen (`clear`). */
  clearScreen?: () => void
  /** Where the clock comes from; tests replace it. */
  now?: () => number
  /** How the `-> FCALL ...` line is drawn (the browser dims it); plain text by default. */
  styleRan?: (line: string) => string
  /** The database the prompt shows changed (SELECT, RESET, a failed EXEC). */
  onDb?: (db: number) => void
}

export type PlannedLine = {
  /** Whether (and how) the line goes into history. */
  history: 'add' | 'add-sensitive' | 'skip'
  /** Produces the output once it is this line's turn; server work is already under way. */
  output: () => Promise<string>
}

const SKIP: PlannedLine = { history: 'skip', output: () => Promise.resolve('') }

/** Most commands a repeat count sends at once; larger counts are sent in waves of this size. */
const REPEAT_WINDOW = 1000

export class LineRunner {
  /** Between a successful MULTI and EXEC/DISCARD: the prompt shows (TX). */
  inMulti = false
  /** After a subscribe confirmation, until RESET or Ctrl-C: the prompt shows (subscribed mode). */
  pubsubMode = false
  /** `:set hints` / `:set nohints`. */
  hints = true
  /** Argument splitting as the valkey-cli of the server's version does it. */
  quoteRules: QuoteRules = 'mixed'
  /** Inspect mode: the terminal talks to someone's own server, not a sandbox (what quit and connect say). */
  inspecting = false
  /** The database valkey-cli's prompt shows (`[2]`), as SELECT replies move it. */
  db = 0
  /** Where a failed EXEC or a DISCARD puts the prompt back (a SELECT inside MULTI moved it already). */
  #preMultiDb = 0

  constructor(private readonly options: LineRunnerOptions) {}

  /** Splits and dispatches a line; commands for Valkey are sent immediately. */
  plan(line: string): PlannedLine {
    const args = splitArgs(utf8Bytes(line), this.quoteRules)
    if (args === null) return { history: 'add', output: () => Promise.resolve('Invalid argument(s)\n') }
    if (args.length === 0) return SKIP

    let repeat = 1
    let skip = 0
    if (args.length > 1 && /^\s*[+-]?\d+$/.test(args[0]!)) {
      const count = Number(args[0])
      if (!Number.isSafeInteger(count) || count <= 0) {
        return { history: 'skip', output: () => Promise.resolve('Invalid valkey-cli repeat command option value.\n') }
      }
      repeat = count
      skip = 1
    }
    const command = skip ? args.slice(skip) : args
    const history = isSensitive(command.length > 1 ? command.join(' ') : command[0]!) ? 'add-sensitive' : 'add'
    const first = args[0]!.toLowerCase()
    const local = (text: string): PlannedLine => ({ history, output: () => Promise.resolve(text) })

    if (first === 'quit' || first === 'exit') {
      return local(
        this.inspecting
          ? 'The playground keeps this session open (close the tab to leave); the server you inspect is not affected.\n'
          : 'The playground keeps this session open (close the tab to leave); your sandbox stays until it has been idle for a while.\n'
      )
    }
    if (first.startsWith(':')) return local(this.#preference(args))
    if (first === 'restart') return local("Use 'restart' only in Lua debugging mode.\n")
    if (first === 'connect' && args.length === 3) {
      return local(
        this.inspecting
          ? 'connect is not available here: this terminal talks to the server the inspector was started with (npm start -- --inspect URL).\n'
          : 'connect is not available in the playground: this terminal always talks to your sandbox.\n'
      )
    }
    if (first === 'clear' && args.length === 1) {
      return {
        history,
        output: () => {
          this.options.clearScreen?.()
          return Promise.resolve('')
        },
      }
    }
    const name = command[0]!.toLowerCase()
    if (name === 'help' || name === '?') {
      return local(this.options.help ? this.options.help(command) : 'Help is still loading; try again in a moment.\n')
    }
    return { history, output: this.#send(command, repeat) }
  }

  #preference(args: string[]): string {
    if (args[0]!.toLowerCase() === ':set' && args.length >= 2) {
      const preference = args[1]!.toLowerCase()
      if (preference === 'hints') this.hints = true
      else if (preference === 'nohints') this.hints = false
      else return `unknown valkey-cli preference '${args[1]}'\n`
      return ''
    }
    return `unknown valkey-cli internal command '${args[0]}'\n`
  }

  #ran(ran: string[] | undefined): string {
    if (!ran) return ''
    const line = ranLine(ran)
    return `${this.options.styleRan ? this.options.styleRan(line) : line}\n`
  }

  /** Sends the command `repeat` times (pipelined) and returns the formatter of its output. */
  #send(command: string[], repeat: number): () => Promise<string> {
    const { transport } = this.options
    const now = this.options.now ?? (() => Date.now())
    const started = now()
    const raw = isRawOutputCommand(command)
    const name = command[0]!.toLowerCase()
    if (repeat === 1) {
      // The common case, kept lean: a paste plans thousands of these.
      const single = transport.run(command)
      return async () => {
        let out = ''
        try {
          const result = await single
          out += this.#ran(result.ran)
          for (const reply of result.replies) {
            out += raw ? formatRawReply(reply) : formatReply(reply)
            this.#track(name, command, reply)
          }
          const elapsed = Math.min(now() - started, result.ms + 50)
          if (elapsed >= 500) out += `(${(elapsed / 1000).toFixed(2)}s)\n`
        } catch (error) {
          out += `Error: ${error instanceof Error ? error.message : String(error)}\n`
        }
        return out
      }
    }
    const first = Array.from({ length: Math.min(repeat, REPEAT_WINDOW) }, () => transport.run(command))
    return async () => {
      let out = ''
      let serverMs = 0
      let sent = first.length
      const pending = [...first]
      while (pending.length > 0) {
        const next = pending.shift()!
        if (sent < repeat) {
          pending.push(transport.run(command))
          sent++
        }
        try {
          const result = await next
          serverMs += result.ms
          out += this.#ran(result.ran)
          for (const reply of result.replies) {
            out += raw ? formatRawReply(reply) : formatReply(reply)
            this.#track(name, command, reply)
          }
        } catch (error) {
          out += `Error: ${error instanceof Error ? error.message : String(error)}\n`
        }
      }
      // valkey-cli times the command from the client; so do we, but a line
      // that waited behind earlier ones (a paste) is judged by its own time at the server.
      const elapsed = Math.min(now() - started, serverMs + 50)
      if (elapsed >= 500) out += `(${(elapsed / 1000).toFixed(2)}s)\n`
      return out
    }
  }

  /** Prompt state that follows replies, exactly where valkey-cli updates it. */
  #track(name: string, command: string[], reply: Reply): void {
    const failed = reply.t === 'err'
    const argc = command.length
    if (name === 'multi' && argc === 1 && !failed) {
      this.inMulti = true
      this.#preMultiDb = this.db
    } else if (name === 'exec' && argc === 1 && this.inMulti) {
      this.inMulti = false
      if (failed || reply.t === 'nil') this.#setDb(this.#preMultiDb)
    } else if (name === 'discard' && argc === 1 && !failed) {
      this.inMulti = false
      this.#setDb(this.#preMultiDb)
    } else if (name === 'reset' && argc === 1 && !failed) {
      this.inMulti = false
      this.pubsubMode = false
      this.#setDb(0)
    } else if (name === 'select' && argc === 2 && !failed) {
      // valkey-cli reads the number as atoi does: leading digits, else 0.
      this.#setDb(Number(/^\s*([+-]?\d+)/.exec(command[1]!)?.[1] ?? 0))
    }
  }

  #setDb(db: number): void {
    if (db === this.db) return
    this.db = db
    this.options.onDb?.(db)
  }
}
