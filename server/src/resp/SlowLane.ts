/**
 * @module A terminal's slow path: commands that cannot be written at once (the connection is
 * still opening, a check must be read first, or the command changes what later ones mean) are
 * dispatched one after another, each once the one before it has been written; a barrier
 * (SUBSCRIBE, RESET) once the one before it has been answered. While anything waits here, the
 * fast path (writing a command at once) must wait too, or it would overtake.
 */
import type { Reply } from '../../../common/protocol/index.ts'

/** A command on its way: its replies to come, and whether later commands must wait for them. */
export type Dispatched = { replies: Promise<Reply[]>; barrier: boolean }

export class SlowLane {
  #sequence: Promise<unknown> = Promise.resolve()
  #pending = 0

  /** Something is waiting or being dispatched: the fast path must not overtake it. */
  get busy(): boolean {
    return this.#pending > 0
  }

  /** Dispatches in its turn; resolves with the command's replies (rejects when dispatching failed). */
  run(dispatch: () => Promise<Dispatched>): Promise<Reply[]> {
    this.#pending++
    const dispatched = this.#sequence.then(dispatch)
    this.#sequence = dispatched
      .then(
        (d) => (d.barrier ? d.replies.catch(() => undefined) : undefined),
        () => undefined
      )
      .finally(() => this.#pending--)
    return dispatched.then((d) => d.replies)
  }
}
