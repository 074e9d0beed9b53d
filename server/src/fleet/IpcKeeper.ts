/**
 * @module A worker's ServerKeeper: the cluster primary keeps the embedded servers, so a restart
 * is asked of it over IPC, and its crashed/restarted events come back the same way.
 */
import type { ServerKeeper } from '../pool/ServerKeeper.ts'
import type { PrimaryMessage, RestartMessage } from './messages.ts'

type CrashedListener = (index: number, detail: string) => void
type RestartedListener = (index: number) => void

export class IpcKeeper implements ServerKeeper {
  readonly #crashed = new Set<CrashedListener>()
  readonly #restarted = new Set<RestartedListener>()
  /** Servers the primary said are down and not yet back. */
  readonly #down = new Set<number>()

  constructor(
    private readonly serverCount: number,
    private readonly send: (message: RestartMessage) => boolean
  ) {}

  /**
   * Asks the primary; true when the request went out. The answer cannot be waited for (the
   * contract is synchronous), so true means "asked", not "done": the primary ignores a request
   * for a server it is already restarting, and the crashed/restarted events report what happened.
   */
  restart(index: number): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.serverCount || this.#down.has(index)) return false
    return this.send({ type: 'fleet:restart', index })
  }

  onCrashed(listener: CrashedListener): () => void {
    this.#crashed.add(listener)
    return () => void this.#crashed.delete(listener)
  }

  onRestarted(listener: RestartedListener): () => void {
    this.#restarted.add(listener)
    return () => void this.#restarted.delete(listener)
  }

  /** Feeds a message from the primary; others are ignored. */
  receive(message: PrimaryMessage): void {
    if (message.type === 'fleet:crashed') {
      this.#down.add(message.index)
      for (const listener of this.#crashed) listener(message.index, message.detail)
    } else if (message.type === 'fleet:restarted') {
      this.#down.delete(message.index)
      for (const listener of this.#restarted) listener(message.index)
    }
  }
}
