/**
 * @module What startPlayground undoes when it stops (or fails half-way): steps registered as
 * things start, run in reverse, each within a bounded time.
 *
 * The bound matters: a frozen Valkey (a script SCRIPT KILL cannot stop) answers nothing, and
 * shutdown must still reach the last step, which stops the embedded servers themselves
 * (SIGTERM, then SIGKILL).
 */

/** How long one shutdown step may take before the next one runs anyway. */
const STEP_MS = 1500

export class ShutdownSteps {
  readonly #steps: { step: () => Promise<void> | void; ms: number }[] = []

  constructor(private readonly log: (message: string) => void) {}

  /** Runs `step` at shutdown, before every step registered earlier; it may take `ms`. */
  add(step: () => Promise<void> | void, ms = STEP_MS): void {
    this.#steps.push({ step, ms })
  }

  /** Runs every step, newest first; a step that fails or is late is logged and passed. */
  async run(): Promise<void> {
    for (const { step, ms } of this.#steps.splice(0).reverse()) await this.#within(ms, step)
  }

  async #within(ms: number, step: () => Promise<void> | void): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.log(`shutdown: a step took longer than ${ms} ms; going on without it`)
        resolve()
      }, ms)
    })
    try {
      await Promise.race([Promise.resolve().then(step), late])
    } catch (error) {
      this.log(`shutdown: ${(error as Error).message}`)
    } finally {
      clearTimeout(timer)
    }
  }
}
