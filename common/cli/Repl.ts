/**
 * @module valkey-cli's interactive loop, without a DOM.
 *
 * Takes keystrokes and pastes, edits the line (LineEditor), completes and
 * hints like linenoise, and hands entered lines to LineRunner. Runs behind
 * xterm.js in the page and in Node tests alike.
 *
 * Lines are sent as soon as they are entered (a 1,000-line paste is
 * pipelined) but printed strictly in order: each line's echo, its output,
 * then the next, as when valkey-cli reads a paste line by line. The prompt
 * is drawn again once nothing is pending.
 *
 * Deviations from valkey-cli, on purpose: Ctrl-C at the prompt and Ctrl-D
 * on an empty line do not end the session (there is nothing to return to);
 * pub/sub messages print as they arrive even while the prompt is shown.
 */
import type { Reply } from '../protocol/index.ts'
import { utf8Bytes } from './bytes.ts'
import { formatReply } from './formatReply.ts'
import { History, type HistoryStore } from './History.ts'
import { parseInput, type KeyName } from './keys.ts'
import { LineEditor, MAX_LINE_BYTES } from './LineEditor.ts'
import { LineRunner, type Transport } from './LineRunner.ts'
import { quoteRulesFor } from './splitArgs.ts'

export type { CommandResult, Transport } from './LineRunner.ts'

/** Where the terminal writes. `write` takes a byte string (UTF-8 is decoded by the terminal). */
export interface ReplIO {
  write(bytes: string): void
  columns(): number
}

/** What COMMAND DOCS make possible; absent until they are loaded. */
export interface CommandHelp {
  hint(line: string): string
  completions(line: string): string[]
  help(args: string[]): string
}

export type ReplOptions = {
  io: ReplIO
  transport: Transport
  history?: HistoryStore
  help?: CommandHelp
  /** The database the terminal is on changed (inspect mode's inspector follows it). */
  onDb?: (db: number) => void
  /**
   * An entered line's output was written (`output` as printed, escape sequences included; empty
   * for a blank line). Called once per entered line, in the order the lines were entered.
   */
  onReply?: (line: string, output: string) => void
}

type Job = { line: string; echoed: boolean; output: () => Promise<string>; onReply?: (output: string) => void }

/** Tab completion in progress: candidates, which one is shown (candidates.length = the original). */
type Completion = { original: string; candidates: string[]; index: number }

const READING = '\x1b[1;90mReading messages... (press Ctrl-C to quit or any key to type command)\x1b[0m\r'
const toTerminal = (text: string) => text.replace(/\r?\n/g, '\r\n')

export class Repl {
  readonly #io: ReplIO
  readonly #transport: Transport
  readonly #editor = new LineEditor()
  readonly #history: History
  readonly #runner: LineRunner
  #help: CommandHelp | null
  #jobs: Job[] = []
  #draining = false
  #promptShown = false
  /** valkey-cli's "Reading messages..." line is showing (subscribed mode, waiting for a key). */
  #reading = false
  #completion: Completion | null = null
  #address = '127.0.0.1:6379'
  /** The prompt names the database (inspect mode; a sandbox is one database of its own). */
  #showDb = false
  #connected = false
  readonly #onReply: ((line: string, output: string) => void) | undefined

  constructor(options: ReplOptions) {
    this.#io = options.io
    this.#onReply = options.onReply
    this.#transport = options.transport
    this.#history = new History(options.history)
    this.#help = options.help ?? null
    this.#runner = new LineRunner({
      transport: options.transport,
      help: (args) => (this.#help ? this.#help.help(args) : 'Help is still loading; try again in a moment.\n'),
      clearScreen: () => {
        this.#io.write('\x1b[H\x1b[2J')
        this.#editor.resetRender()
      },
      // Dim, so the reply stays what the eye finds first.
      styleRan: (line) => `\x1b[2m${line}\x1b[22m`,
      onDb: (db) => options.onDb?.(db),
    })
  }

  get prompt(): string {
    if (!this.#connected) return 'not connected> '
    const runner = this.#runner
    const db = this.#showDb && runner.db !== 0 ? `[${runner.db}]` : ''
    return `${this.#address}${db}${runner.inMulti ? '(TX)' : ''}${runner.pubsubMode ? '(subscribed mode)' : ''}> `
  }

  get historyLines(): string[] {
    return this.#history.lines
  }

  /** True while entered lines wait for their output. */
  get busy(): boolean {
    return this.#jobs.length > 0
  }

  /** The line as shown at the prompt, without the grey hint (a Tab candidate while completing). */
  get inputText(): string {
    const completion = this.#completion
    if (completion && completion.index < completion.candidates.length) return completion.candidates[completion.index]!
    return this.#editor.text
  }

  /** True while a connected prompt is on screen, waiting for input (not "not connected>"). */
  get promptReady(): boolean {
    return this.#promptShown && this.#connected
  }

  /** True once hints, completion and help have their command docs. */
  get helpReady(): boolean {
    return this.#help !== null
  }

  start(): void {
    this.#showPrompt()
  }

  setHelp(help: CommandHelp): void {
    this.#help = help
    this.#redraw()
  }

  /**
   * The server the terminal talks to; its version decides valkey-cli's quoting rules. `db`: the
   * database a connection starts on, shown in the prompt as valkey-cli shows it; given only in
   * inspect mode (a sandbox is one database of its own).
   */
  setServer(address: string, valkeyVersion?: string, db?: number): void {
    this.#address = address
    if (valkeyVersion) this.#runner.quoteRules = quoteRulesFor(valkeyVersion)
    if (db !== undefined) {
      this.#showDb = true
      this.#runner.inspecting = true
      this.#runner.db = db
    }
  }

  setConnected(connected: boolean): void {
    if (this.#connected === connected) return
    this.#connected = connected
    if (!connected) {
      this.#runner.inMulti = false
      this.#runner.pubsubMode = false
      this.#stopReading()
    }
    this.#redraw()
  }

  /**
   * The server confirmed a subscription. Like valkey-cli, the terminal then
   * stays in subscribed mode until RESET or Ctrl-C, even when later
   * UNSUBSCRIBEs leave no subscription (so `false` is not acted on).
   */
  setSubscribed(subscribed: boolean): void {
    if (!subscribed || this.#runner.pubsubMode) return
    this.#runner.pubsubMode = true
  }

  /** A pub/sub message or other unsolicited reply. */
  push(reply: Reply): void {
    this.#printAbove(formatReply(reply))
  }

  /** A message from the playground itself (not from Valkey), in colour. */
  notice(text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    const colour = level === 'error' ? '31' : level === 'warn' ? '33' : '36'
    this.#printAbove(`\x1b[${colour}m${utf8Bytes(text)}\x1b[0m\n`)
  }

  /**
   * Runs a line as if it had been typed and entered (inspector edits, mission
   * blocks): it is echoed, kept in history and printed in order. A line the
   * person was typing comes back at the next prompt. `onReply` gets this line's output once written.
   */
  runLine(line: string, onReply?: (output: string) => void): void {
    if (this.#completion) this.#endCompletion(false)
    if (this.#reading) {
      this.#stopReading()
      this.#showPrompt()
    }
    const draft = this.#editor.text
    this.#editor.setText(line)
    this.#enter(onReply)
    if (draft) this.#editor.setText(draft)
  }

  /** Keystrokes or pasted text from the terminal. */
  input(data: string): void {
    for (const event of parseInput(data)) {
      if (this.#reading) {
        // In "Reading messages..." any key returns to the prompt, and counts as typed.
        if (event.type === 'key' && event.name === 'ctrl-c') {
          this.#leaveSubscribedMode()
          continue
        }
        this.#stopReading()
        this.#showPrompt()
      }
      if (this.#completion) {
        if (event.type === 'key' && event.name === 'tab') {
          this.#nextCompletion()
          continue
        }
        const escaped = event.type === 'key' && event.name === 'escape'
        this.#endCompletion(!escaped)
        if (escaped) continue
      }
      if (event.type === 'text') {
        this.#insert(event.text)
      } else {
        this.#key(event.name)
      }
    }
  }

  #insert(text: string): void {
    if (this.#editor.insert(text) === 'inserted') return this.#redraw()
    // A paste that would pass the command size limit is refused whole, and says so: a line
    // that silently stays empty looks like a broken terminal.
    if (text.length > 1) {
      const size = this.#editor.bytesWith(text)
      this.notice(
        `Nothing was pasted: the line would be ${size.toLocaleString('en')} bytes, and one command can carry at most ${MAX_LINE_BYTES.toLocaleString('en')} bytes.`,
        'warn'
      )
    } else {
      this.#io.write('\x07')
    }
  }

  // ------------------------------------------------------------ keys

  #key(name: KeyName): void {
    const editor = this.#editor
    const edit = (changed: boolean) => changed && this.#redraw()
    switch (name) {
      case 'enter':
        return this.#enter()
      case 'tab':
        return this.#startCompletion()
      case 'backspace':
      case 'ctrl-h':
        return void edit(editor.backspace())
      case 'delete':
      case 'ctrl-d':
        return void edit(editor.deleteForward())
      case 'left':
      case 'ctrl-b':
        return void edit(editor.left())
      case 'right':
      case 'ctrl-f':
        return void edit(editor.right())
      case 'home':
      case 'ctrl-a':
        return void edit(editor.home())
      case 'end':
      case 'ctrl-e':
        return void edit(editor.end())
      case 'ctrl-u':
        editor.clearLine()
        return this.#redraw()
      case 'ctrl-k':
        editor.killToEnd()
        return this.#redraw()
      case 'ctrl-w':
        return void edit(editor.deleteWordBefore())
      case 'ctrl-t':
        return void edit(editor.transpose())
      case 'up':
      case 'ctrl-p':
        return this.#fromHistory(this.#history.previous(editor.text))
      case 'down':
      case 'ctrl-n':
        return this.#fromHistory(this.#history.next())
      case 'ctrl-l':
        this.#io.write('\x1b[H\x1b[2J')
        editor.resetRender()
        return this.#redraw()
      case 'ctrl-c':
        return this.#interrupt()
      case 'escape':
        return
    }
  }

  #fromHistory(line: string | null): void {
    if (line === null) return
    this.#editor.setText(line)
    this.#redraw()
  }

  #interrupt(): void {
    if (this.#jobs.length > 0) {
      this.#transport.cancel()
      return
    }
    if (this.#runner.pubsubMode) {
      // valkey-cli reconnects, which leaves subscribed mode.
      this.#runner.pubsubMode = false
      this.#transport.cancel()
    }
    // valkey-cli would exit here; the playground clears the line instead.
    if (this.#promptShown) {
      this.#io.write(utf8Bytes(this.#editor.render(this.prompt, this.#io.columns())) + '^C' + this.#editor.moveBelow())
      this.#promptShown = false
    }
    this.#editor.clearLine()
    this.#history.resetBrowsing()
    this.#showPrompt()
  }

  // ------------------------------------------------------------ completion (linenoise completeLine)

  #startCompletion(): void {
    if (!this.#promptShown) return
    const candidates = this.#help?.completions(this.#editor.text) ?? []
    if (candidates.length === 0) {
      this.#io.write('\x07')
      return
    }
    this.#completion = { original: this.#editor.text, candidates, index: 0 }
    this.#showCompletion()
  }

  #nextCompletion(): void {
    const completion = this.#completion!
    completion.index = (completion.index + 1) % (completion.candidates.length + 1)
    // Back at the original text: linenoise beeps to say the list went round.
    if (completion.index === completion.candidates.length) this.#io.write('\x07')
    this.#showCompletion()
  }

  #showCompletion(): void {
    const { original, candidates, index } = this.#completion!
    const shown = index < candidates.length ? candidates[index]! : original
    const saved = this.#editor.text
    this.#editor.setText(shown)
    this.#redraw()
    this.#editor.setText(saved)
  }

  /** Accept keeps the candidate on the line; otherwise (Esc) the original comes back. */
  #endCompletion(accept: boolean): void {
    const { original, candidates, index } = this.#completion!
    this.#completion = null
    this.#editor.setText(accept && index < candidates.length ? candidates[index]! : original)
    this.#redraw()
  }

  // ------------------------------------------------------------ running lines

  #enter(onReply?: (output: string) => void): void {
    const line = this.#editor.text
    const echoed = this.#promptShown
    if (echoed) {
      // Redraw without the hint so the echoed line is exactly what was typed.
      this.#io.write(utf8Bytes(this.#editor.render(this.prompt, this.#io.columns())) + this.#editor.moveBelow())
      this.#promptShown = false
    }
    this.#editor.clearLine()
    this.#history.resetBrowsing()
    const planned = this.#runner.plan(line)
    if (planned.history !== 'skip') this.#history.add(line, planned.history === 'add-sensitive')
    this.#jobs.push({ line, echoed, output: planned.output, onReply })
    void this.#drain()
  }

  async #drain(): Promise<void> {
    if (this.#draining) return
    this.#draining = true
    try {
      while (this.#jobs.length > 0) {
        const job = this.#jobs[0]!
        if (!job.echoed) this.#io.write(utf8Bytes(this.prompt + job.line) + '\r\n')
        const output = await job.output()
        if (output) this.#io.write(toTerminal(output))
        this.#jobs.shift()
        this.#onReply?.(job.line, output)
        job.onReply?.(output)
        // In subscribed mode valkey-cli waits for messages after every command.
        if (this.#runner.pubsubMode && this.#jobs.length === 0) this.#startReading()
      }
    } finally {
      this.#draining = false
    }
    this.#showPrompt()
  }

  #startReading(): void {
    this.#reading = true
    this.#io.write(READING)
  }

  #stopReading(): void {
    if (!this.#reading) return
    this.#reading = false
    this.#io.write('\r\x1b[K')
  }

  #leaveSubscribedMode(): void {
    this.#stopReading()
    this.#io.write('Closing current connection. Ready to reconnect to Valkey server... \r\n')
    this.#runner.pubsubMode = false
    this.#transport.cancel()
    this.#showPrompt()
  }

  // ------------------------------------------------------------ drawing

  #showPrompt(): void {
    if (this.#jobs.length > 0 || this.#reading || this.#promptShown) return
    this.#editor.resetRender()
    this.#promptShown = true
    this.#redraw()
  }

  #redraw(): void {
    if (!this.#promptShown) return
    const text = this.#editor.text
    const hint = this.#runner.hints && this.#help ? this.#help.hint(text) : ''
    this.#io.write(utf8Bytes(this.#editor.render(this.prompt, this.#io.columns(), hint)))
  }

  /** Prints output while the user may be typing: erase the prompt, print, redraw. */
  #printAbove(bytes: string): void {
    if (this.#promptShown) this.#io.write(this.#editor.erase())
    else if (this.#reading) this.#io.write('\r\x1b[K')
    this.#io.write(toTerminal(bytes))
    if (this.#promptShown) {
      this.#editor.resetRender()
      this.#redraw()
    } else if (this.#reading) {
      this.#io.write(READING)
    }
  }
}
