/**
 * @module The terminal's commands on the attendee's connection: numbered, sent in frames, matched to
 * their replies, and held back beyond the pipelining window.
 *
 * A command whose reply had not arrived when the socket dropped is reported as failed (it may or may
 * not have run); commands entered while disconnected wait and are sent once the connection is back.
 */
import type { CommandResult } from '../cli/LineRunner.ts'
import type { ClientMessage, Reply } from '../protocol/index.ts'

/** Commands in flight at most; more wait here (the server refuses beyond LIMITS.maxInFlight). */
const WINDOW = 2048
/**
 * A frame carries at most this many commands, or about this many bytes. A full frame leaves at once,
 * so the server works on the start of a long paste while the page is still reading the rest.
 */
const FRAME_COMMANDS = 128
const FRAME_BYTES = 256 * 1024

type Pending = { args: string[]; resolve: (result: CommandResult) => void; reject: (error: Error) => void }

/** One command's answer, as `reply` carries it and each entry of `replies`. */
export type CommandAnswer = { id: number; replies: Reply[]; ms: number; ran?: string[] }

export class CommandPipeline {
  #nextId = 1
  /** Sent, awaiting a reply. */
  #inFlight = new Map<number, Pending>()
  /** Not sent yet: entered while disconnected, or beyond the in-flight window. */
  #waiting: Pending[] = []
  /** Sent in this tick; leaves as one frame (a paste becomes a few frames, not thousands). */
  #outbox: { id: number; args: string[] }[] = []

  /**
   * @param post sends a message on the socket (false when it is not open)
   * @param open whether the server has said welcome, so commands may go now
   */
  constructor(
    private readonly post: (message: ClientMessage) => boolean,
    private readonly open: () => boolean
  ) {}

  run(args: string[]): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      const pending: Pending = { args, resolve, reject }
      if (this.open() && this.#waiting.length === 0 && this.#inFlight.size < WINDOW) this.#send(pending)
      else this.#waiting.push(pending)
    })
  }

  /** Replies arrived: each settles its command, and the window has room again. */
  answered(answers: readonly CommandAnswer[]): void {
    for (const answer of answers) {
      const pending = this.#inFlight.get(answer.id)
      this.#inFlight.delete(answer.id)
      pending?.resolve({ replies: answer.replies, ms: answer.ms, ...(answer.ran ? { ran: answer.ran } : {}) })
    }
    this.resume()
  }

  /** Sends waiting commands while the window has room (after welcome, and as replies arrive). */
  resume(): void {
    while (this.#waiting.length > 0 && this.#inFlight.size < WINDOW && this.open()) this.#send(this.#waiting.shift()!)
  }

  /** The socket dropped: what was sent gets no reply. What waits stays for the next connection. */
  dropped(): void {
    const lost = new Error('Server closed the connection')
    for (const pending of this.#inFlight.values()) pending.reject(lost)
    this.#inFlight.clear()
    this.#outbox = []
  }

  #send(pending: Pending): void {
    const id = this.#nextId++
    this.#inFlight.set(id, pending)
    if (this.#outbox.length === 0) queueMicrotask(() => this.#flush())
    this.#outbox.push({ id, args: pending.args })
    if (this.#outbox.length >= FRAME_COMMANDS) this.#flush()
  }

  #flush(): void {
    while (this.#outbox.length > 0) {
      let bytes = 0
      let count = 0
      while (count < this.#outbox.length && count < FRAME_COMMANDS && (count === 0 || bytes < FRAME_BYTES)) {
        for (const arg of this.#outbox[count]!.args) bytes += arg.length
        count++
      }
      const list = this.#outbox.splice(0, count)
      this.post(list.length === 1 ? { type: 'command', ...list[0]! } : { type: 'commands', list })
    }
  }
}
