/**
 * @module This process's open connections per sandbox number, and the bookkeeping that keeps its
 * live set in the control server in step with them.
 *
 * The control server holds only which numbers are live here (a set), written as 0 ↔ 1 transitions
 * of these counts. Writes go out in order on one connection, so a later write always wins; the one
 * race left is an attach whose number is not known when it is sent (a claim, a resume of a token
 * this process never saw): if the number's membership was removed after that attach was sent
 * (its last other connection closed, or the whole set was rewritten), the attach must add it again.
 * Ticks tell which came first.
 */
export class LocalPresence {
  readonly #counts = new Map<number, number>()
  /** When a connection here last closed, per number (to trust the cached record while the control server is down). */
  readonly #lastHere = new Map<number, number>()
  #tick = 0
  readonly #removedAt = new Map<number, number>()
  #rewrittenAt = -1

  constructor(private readonly now: () => number) {}

  count(number: number): number {
    return this.#counts.get(number) ?? 0
  }

  opened(number: number): void {
    this.#counts.set(number, this.count(number) + 1)
  }

  /** Returns how many connections to the number are left here. */
  closed(number: number): number {
    const left = Math.max(0, this.count(number) - 1)
    if (left > 0) this.#counts.set(number, left)
    else this.#counts.delete(number)
    this.#lastHere.set(number, this.now())
    return left
  }

  /** Whether a connection here had the number within `ms`. */
  recentlyHere(number: number, ms: number): boolean {
    if (this.count(number) > 0) return true
    const at = this.#lastHere.get(number)
    return at !== undefined && this.now() - at <= ms
  }

  forget(number: number): void {
    this.#lastHere.delete(number)
  }

  get live(): number[] {
    return [...this.#counts.keys()]
  }

  /** A mark for an attach being sent now. */
  stamp(): number {
    return this.#tick++
  }

  /** The number's membership is being removed (sent now). */
  removing(number: number): void {
    this.#removedAt.set(number, this.#tick++)
  }

  /** The whole set is being rewritten (sent now). */
  rewriting(): void {
    this.#rewrittenAt = this.#tick++
    this.#removedAt.clear()
  }

  /** An attach sent at `stamp` may have been undone since: its number must be added again. */
  undoneSince(number: number, stamp: number): boolean {
    return this.#rewrittenAt > stamp || (this.#removedAt.get(number) ?? -1) > stamp
  }
}
