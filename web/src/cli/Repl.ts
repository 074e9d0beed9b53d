/**
 * @module The interactive loop of valkey-cli, without a DOM.
 *
 * Takes keystrokes and pastes, edits the line, runs lines through a
 * Transport and prints exactly what valkey-cli prints. Runs in the browser
 * (behind xterm.js) and in Node tests alike.
 *
 * Lines are sent as soon as they are entered (a 1,000-line paste is pipelined)
 * but printed strictly in order: each line's echo, then its output, then the
 * next. While earlier output is pending, the prompt is not drawn, exactly as
 * when valkey-cli reads a paste from the terminal line by line.
 */
import type { Reply } from '../../../server/src/protocol.ts'
import { utf8Bytes } from './bytes.ts'
import { formatRawReply, formatReply, isRawOutputCommand } from './formatReply.ts'
import { History, type HistoryStore } from './History.ts'
import { parseInput, type KeyName } from './keys.ts'
import { LineEditor } from './LineEditor.ts'
import { splitArgs } from './splitArgs.ts'

export type CommandResult = { replies: Reply[]; ms: number }

/** How commands reach Valkey (the WebSocket in the page, a test double in unit tests). */
export interface Transport {
  run(args: string[]): Promise<CommandResult>
  /** Ctrl-C while a command runs or while subscribed. */
  cancel(): void
}

/** Where the terminal writes. `write` takes a byte string (UTF-8 is decoded by the terminal). */
export interface ReplIO {
  write(bytes: string): void
  columns(): number
}

export type ReplOptions = {
  io: ReplIO
  transport: Transport
  history?: HistoryStore
}

type Job = {
  line: string
  /** The line is already on screen (typed at a visible prompt). */
  echoed: boolean
  /** Produces the output once it is this job's turn; server work may already be under way. */
  output: () => Promise<string>
}

const NEWLINES = /\r?\n/g
const toTerminal = (text: string) => text.replace(NEWLINES, '\r\n')

export class Repl {
  readonly #io: ReplIO
  readonly #transport: Transport
  readonly #editor = new LineEditor()
  readonly #history: History
  #jobs: Job[] = []
  #draining = false
  #promptShown = false
  #address = '127.0.0.1:6379'
  #connected = false
  #inMulti = false
  #subscribed = false

  constructor(options: ReplOptions) {
    this.#io = options.io
    this.#transport = options.transport
    this.#history = new History(options.history)
  }

  get prompt(): string {
    if (!this.#connected) return 'not connected> '
    return `${this.#address}${this.#inMulti ? '(TX)' : ''}${this.#subscribed ? '(subscribed mode)' : ''}> `
  }

  get historyLines(): string[] {
    return this.#history.lines
  }

  /** True while lines wait for their output. */
  get busy(): boolean {
    return this.#jobs.length > 0
  }

  start(): void {
    this.#showPrompt()
  }

  setServer(address: string): void {
    this.#address = address
  }

  setConnected(connected: boolean): void {
    if (this.#connected === connected) return
    this.#connected = connected
    if (!connected) {
      this.#inMulti = false
      this.#subscribed = false
    }
    this.#refresh()
  }

  setSubscribed(subscribed: boolean): void {
    if (this.#subscribed === subscribed) return
    this.#subscribed = subscribed
    this.#refresh()
  }

  /** A pub/sub message or other unsolicited reply. */
  push(reply: Reply): void {
    this.#printAbove(formatReply(reply))
  }

  /** A message from the playground itself (not from Valkey), shown dimmed in colour. */
  notice(text: string, level: 'info' | 'warn' | 'error' = 'info'): void {
    const colour = level === 'error' ? '31' : level === 'warn' ? '33' : '36'
    this.#printAbove(`\x1b[${colour}m${utf8Bytes(text)}\x1b[0m\n`)
  }

  /** Keystrokes or pasted text from the terminal. */
  input(data: string): void {
    for (const event of parseInput(data)) {
      if (event.type === 'text') {
        if (this.#editor.insert(event.text)) this.#redraw()
        continue
      }
      this.#key(event.name)
    }
  }

  // ------------------------------------------------------------ keys

  #key(name: KeyName): void {
    const editor = this.#editor
    const edit = (changed: boolean) => changed && this.#redraw()
    switch (name) {
      case 'enter':
        return this.#enter()
      case 'backspace':
      case 'ctrl-h':
        return void edit(editor.backspace())
      case 'delete':
        return void edit(editor.deleteForward())
      case 'ctrl-d':
        // valkey-cli exits on Ctrl-D at an empty line; the playground stays.
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
      case 'tab':
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
    if (this.#jobs.length > 0 || this.#subscribed) {
      this.#transport.cancel()
      return
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

  #enter(): void {
    const line = this.#editor.text
    const echoed = this.#promptShown
    if (echoed) {
      // Redraw without the hint so the echoed line is exactly what was typed.
      this.#io.write(utf8Bytes(this.#editor.render(this.prompt, this.#io.columns())) + this.#editor.moveBelow())
      this.#promptShown = false
    }
    this.#editor.clearLine()
    this.#history.resetBrowsing()
    this.#submit(line, echoed)
  }

  // ------------------------------------------------------------ running lines

  #submit(line: string, echoed: boolean): void {
    const job: Job = { line, echoed, output: () => Promise.resolve('') }
    const args = splitArgs(utf8Bytes(line))
    if (args === null) {
      this.#history.add(line)
      job.output = () => Promise.resolve('Invalid argument(s)\n')
    } else if (args.length > 0) {
      job.output = this.#plan(line, args)
    }
    this.#jobs.push(job)
    void this.#drain()
  }

  /** Decides what a split line does; server commands are sent right away. */
  #plan(line: string, args: string[]): () => Promise<string> {
    let repeat = 1
    let command = args
    if (args.length > 1 && /^\s*[+-]?\d+$/.test(args[0]!)) {
      const count = Number(args[0])
      if (!Number.isSafeInteger(count) || count <= 0 || count > 2 ** 63 - 1) {
        return () => Promise.resolve('Invalid valkey-cli repeat command option value.\n')
      }
      repeat = count
      command = args.slice(1)
    }
    this.#history.add(line)
    const name = command[0]!.toLowerCase()
    if (name === 'quit' || name === 'exit') {
      return () =>
        Promise.resolve(
          'The playground keeps your sandbox and this session open; close the tab to leave. Your data stays until the sandbox is idle for a while.\n'
        )
    }
    if (name === 'clear') {
      return () => {
        this.#io.write('\x1b[H\x1b[2J')
        return Promise.resolve('')
      }
    }
    if (name === 'help' || name === '?') return () => Promise.resolve(this.#help())

    const started = Array.from({ length: repeat }, () => this.#transport.run(command))
    return async () => {
      let out = ''
      let ms = 0
      for (const pending of started) {
        try {
          const result = await pending
          ms += result.ms
          for (const reply of result.replies) {
            out += isRawOutputCommand(command) ? formatRawReply(reply) : formatReply(reply)
            this.#track(name, reply)
          }
        } catch (error) {
          out += `Error: ${error instanceof Error ? error.message : String(error)}\n`
        }
      }
      if (ms >= 500) out += `(${(ms / 1000).toFixed(2)}s)\n`
      return out
    }
  }

  /** Prompt state that follows replies, as valkey-cli tracks it. */
  #track(name: string, reply: Reply): void {
    if (name === 'multi' && reply.t !== 'err') this.#inMulti = true
    else if (name === 'exec' || name === 'discard') this.#inMulti = false
    else if (name === 'reset' && reply.t !== 'err') this.#inMulti = false
  }

  #help(): string {
    return [
      'valkey-cli (Valkey Hash Playground)',
      'To get help about Valkey commands type:',
      '      "help @<group>" to get a list of commands in <group>',
      '      "help <command>" for help on <command>',
      '      "help <tab>" to get a list of possible help topics',
      '      "quit" to exit',
      '',
    ].join('\n')
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
      }
    } finally {
      this.#draining = false
    }
    this.#showPrompt()
  }

  // ------------------------------------------------------------ drawing

  #showPrompt(): void {
    if (this.#jobs.length > 0) return
    this.#editor.resetRender()
    this.#promptShown = true
    this.#redraw()
  }

  #redraw(): void {
    if (!this.#promptShown) return
    this.#io.write(utf8Bytes(this.#editor.render(this.prompt, this.#io.columns())))
  }

  /** Re-renders the prompt in place (its text changed). */
  #refresh(): void {
    if (this.#promptShown) this.#redraw()
  }

  /** Prints output while the user may be typing: erase the prompt, print, redraw. */
  #printAbove(bytes: string): void {
    if (this.#promptShown) this.#io.write(this.#editor.erase())
    this.#io.write(toTerminal(bytes))
    if (this.#promptShown) {
      this.#editor.resetRender()
      this.#redraw()
    }
  }
}
