/**
 * @module When the primary starts another worker after one died, and when it gives up.
 *
 * A worker killed once (a crash, an OOM kill, someone's kill -9) is replaced at once: the other
 * workers serve meanwhile, and its attendees reconnect to whichever process answers. A worker that
 * keeps dying (a port another program holds, a server that refuses it) would otherwise be forked
 * in a tight loop forever, filling the terminal and a core: each exit within the window waits
 * twice as long as the one before, and the limit-th one within the window stops the playground.
 */
export type RestartPolicyOptions = {
  /** Exits within `windowMs` that stop the playground. */
  limit: number
  windowMs: number
  /** The wait before the second restart within the window; doubled for each one after it. */
  baseDelayMs: number
  maxDelayMs: number
}

export const DEFAULT_RESTART_POLICY: RestartPolicyOptions = { limit: 5, windowMs: 30_000, baseDelayMs: 250, maxDelayMs: 4000 }

export class RestartPolicy {
  #exits: number[] = []

  constructor(
    readonly options: RestartPolicyOptions = DEFAULT_RESTART_POLICY,
    private readonly now: () => number = Date.now
  ) {}

  /** Records an exit: how long to wait before forking its replacement, or null to give up. */
  exited(): number | null {
    const now = this.now()
    this.#exits = this.#exits.filter((at) => now - at < this.options.windowMs)
    this.#exits.push(now)
    const recent = this.#exits.length
    if (recent >= this.options.limit) return null
    if (recent === 1) return 0
    return Math.min(this.options.baseDelayMs * 2 ** (recent - 2), this.options.maxDelayMs)
  }

  /** Why it gave up, for the message that stops the playground. */
  describe(): string {
    return `${this.options.limit} worker exits within ${this.options.windowMs / 1000} s`
  }
}
