/**
 * @module Whether a sandbox open in this process stored something, as the control server must know
 * it: a sandbox that never stored anything is released at its last close, so a write whose mark did
 * not reach the control server (it was down) must not be taken for none.
 *
 * The mark goes out once per sandbox (a keyspace event per write would otherwise be a script call
 * each); one that failed is sent again at the last close here, and the database is measured then
 * too, so only a sandbox that is really empty and never marked is let go.
 */
import { ControlUnavailableError } from '../control/ControlUnavailableError.ts'
import type { SandboxDirectory } from '../control/SandboxDirectory.ts'
import { placeOf } from '../pool/sandboxNumber.ts'
import type { SandboxServers } from './sandboxServers.ts'

export class SandboxUse {
  /** Open here and stored something. */
  readonly #stored = new Set<number>()
  /** The control server knows it was used. */
  readonly #told = new Set<number>()

  constructor(
    private readonly directory: SandboxDirectory,
    private readonly servers: SandboxServers,
    private readonly log: (message: string) => void
  ) {}

  /** Something was stored in the sandbox (a keyspace event, saved progress). */
  mark(number: number): void {
    if (this.#told.has(number)) return
    if (this.directory.liveHere(number) > 0) this.#stored.add(number)
    this.#tell(number).catch((error: Error) => {
      // Told again at the sandbox's last close; a control server that is down is no news.
      if (!(error instanceof ControlUnavailableError)) this.log(`sandbox ${number} could not be marked used: ${error.message}`)
    })
  }

  /** The control server already says the sandbox was used (it was resumed so). */
  known(number: number): void {
    this.#told.add(number)
  }

  /** Nothing is known of the number any more: it was handed out anew, or is no longer open here. */
  drop(number: number): void {
    this.#stored.delete(number)
    this.#told.delete(number)
  }

  /**
   * At the sandbox's last close here: whether it must be kept, because it is known used, or holds
   * something after all (then the control server is told now). True when its server cannot be asked.
   */
  async keep(number: number): Promise<boolean> {
    if (this.#told.has(number)) return true
    try {
      const stored = this.#stored.has(number) || (await this.servers.size(placeOf(number))) > 0
      if (stored) await this.directory.markUsed(number)
      return stored
    } catch {
      return true
    }
  }

  async #tell(number: number): Promise<void> {
    await this.directory.markUsed(number)
    if (this.#stored.has(number)) this.#told.add(number)
  }
}
