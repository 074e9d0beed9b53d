/**
 * @module A terminal's replies in command order. Commands are answered at different moments (one
 * refused at once, one at Valkey, one waiting for a quota check), yet the page must print them in
 * the order they were typed: each is held until every command before it has been answered, then
 * delivered with the time it took. A command that waits for earlier replies to go out first (a
 * SUBSCRIBE, whose pushes must not overtake them) can ask when that is.
 */
import type { Reply } from '../../../common/protocol/index.ts'

export type Ordered = { id: number; started: number; replies: Reply[] | null; at: number }

export class ReplyOrder<E extends Ordered> {
  readonly #entries: E[] = []
  /** When the previous reply was ready (performance.now()), for timing pipelined commands. */
  #lastAt = 0
  readonly #headWaiters = new Map<E, () => void>()

  /** `deliver`: the entry is next in order and answered; `ms` is its own time. */
  constructor(private readonly deliver: (entry: E, ms: number) => void) {}

  /** Commands not delivered yet. */
  get size(): number {
    return this.#entries.length
  }

  /** The oldest command not delivered yet. */
  get head(): E | undefined {
    return this.#entries[0]
  }

  add(entry: E): void {
    this.#entries.push(entry)
  }

  /** The entry is answered; it and every answered one after it go out if nothing before them waits. */
  complete(entry: E, replies: Reply[]): void {
    entry.replies = replies
    entry.at = performance.now()
    while (this.#entries.length > 0 && this.#entries[0]!.replies) {
      const done = this.#entries.shift()!
      // A pipelined command only starts once the one before it is answered: its time is measured
      // from then, not from its arrival. One answered here at once (a refusal) may even be done
      // before the one before it.
      const ms = Math.max(0, Math.round(done.at - Math.max(done.started, this.#lastAt)))
      this.#lastAt = Math.max(this.#lastAt, done.at)
      this.deliver(done, ms)
    }
    const head = this.#entries[0]
    if (head) this.#headWaiters.get(head)?.()
  }

  /** Resolves once every reply before `entry` has been delivered. */
  afterEarlier(entry: E): Promise<void> {
    if (this.#entries[0] === entry) return Promise.resolve()
    return new Promise((resolve) =>
      this.#headWaiters.set(entry, () => {
        this.#headWaiters.delete(entry)
        resolve()
      })
    )
  }
}
