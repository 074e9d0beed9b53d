/**
 * @module Which playground processes are alive, as this one hears them: each publishes a heartbeat
 * every few seconds, and any message counts as one. A process not heard of for `deadAfterMs` is
 * taken for dead (SIGKILL, a lost host): the rows whose sockets it held show offline.
 *
 * Heartbeats are timed by this process's own clock (when they arrive), so hosts' clocks need not
 * agree; only a process first seen in the snapshot is judged by the time it wrote there.
 */
export class ProcessPresence {
  /** Process → when it was last heard of (this process's clock). */
  readonly #seen = new Map<string, number>()

  constructor(
    private readonly self: string,
    private readonly deadAfterMs: number,
    private readonly now: () => number = Date.now
  ) {}

  alive(process: string): boolean {
    if (process === this.self) return true
    const seen = this.#seen.get(process)
    return seen !== undefined && this.now() - seen < this.deadAfterMs
  }

  /** Heard of `process` (at `at`, default now). */
  seen(process: string, at = this.now()): void {
    if (process === this.self) return
    this.#seen.set(process, Math.max(at, this.#seen.get(process) ?? -Infinity))
  }

  /** The process said it is shutting down. */
  gone(process: string): void {
    this.#seen.delete(process)
  }

  /** Processes that have just been silent too long; they are forgotten here (returned once). */
  expired(): string[] {
    const dead: string[] = []
    for (const [process, seen] of this.#seen) {
      if (this.now() - seen >= this.deadAfterMs) {
        dead.push(process)
        this.#seen.delete(process)
      }
    }
    return dead
  }

  /** Every process heard of and not yet expired. */
  known(): string[] {
    return [...this.#seen.keys()]
  }
}
