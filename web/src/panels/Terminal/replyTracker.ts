/**
 * @module What the test API says about replies: how many entered lines have had their output
 * drawn, the last one's text, and whether the terminal is idle. Test authors wait on these
 * instead of on screen text, which may hold stale output or a longer reply that contains theirs.
 *
 * xterm.js draws writes asynchronously, in order. Each write is numbered; a reply counts once
 * every write up to and including its output is drawn, so by the time `data-replies` moves the
 * screen shows that reply too.
 */
import { byteArray } from '../../../../common/cli/bytes.ts'

const decoder = new TextDecoder()
// CSI sequences (colours, cursor moves) and the carriage returns of the terminal's line ends.
const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]|\r/g

/** A reply as printed (a UTF-8 byte string with colours) to plain text, without its last line end. */
export function plainReply(output: string): string {
  return decoder.decode(byteArray(output)).replace(ESCAPES, '').replace(/\n$/, '')
}

export type ReplyState = { replies: number; lastReply: string | null; idle: boolean }

export class ReplyTracker {
  #written = 0
  #drawn = 0
  #replies = 0
  #lastReply: string | null = null
  /** What waits for writes to be drawn: the count of writes each waits for. */
  readonly #waiting: { afterWrite: number; run: () => void }[] = []

  constructor(
    private readonly busy: () => boolean,
    private readonly changed: (state: ReplyState) => void
  ) {}

  /** Call before each write to the terminal; call the returned function when xterm.js has drawn it. */
  wrote(): () => void {
    this.#written++
    this.#publish()
    return () => {
      this.#drawn++
      while (this.#waiting.length > 0 && this.#waiting[0]!.afterWrite <= this.#drawn) this.#waiting.shift()!.run()
      this.#publish()
    }
  }

  /** Runs `then` once everything written so far is drawn (at once when it is). */
  whenDrawn(then: () => void): void {
    if (this.#drawn >= this.#written) then()
    else this.#waiting.push({ afterWrite: this.#written, run: then })
  }

  /** An entered line's output has just been written: it counts once drawn. */
  replied(output: string): void {
    const text = plainReply(output)
    this.whenDrawn(() => {
      this.#replies++
      this.#lastReply = text
      this.#publish()
    })
  }

  get state(): ReplyState {
    return { replies: this.#replies, lastReply: this.#lastReply, idle: !this.busy() && this.#drawn === this.#written }
  }

  #publish(): void {
    this.changed(this.state)
  }
}
