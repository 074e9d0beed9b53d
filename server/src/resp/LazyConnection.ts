/**
 * @module One connection opened on first use and again after it is lost: the shape the
 * terminal's own connection and the memory meter share. While one is being opened, every caller
 * waits for that one; a failed open is forgotten, so the next call tries again.
 */
import type { RespConnection } from './RespConnection.ts'

export class LazyConnection {
  #current: Promise<RespConnection> | null = null

  constructor(
    private readonly open: () => Promise<RespConnection>,
    /** The open connection closed (Valkey restarted, or close()). */
    private readonly lost: (connection: RespConnection) => void = () => undefined
  ) {}

  get(): Promise<RespConnection> {
    if (!this.#current) {
      const opening = this.open()
      this.#current = opening
      opening.then(
        (connection) =>
          connection.on('close', () => {
            if (this.#current === opening) this.#current = null
            this.lost(connection)
          }),
        () => {
          if (this.#current === opening) this.#current = null
        }
      )
    }
    return this.#current
  }

  /** Closes the connection (if any); the next get() opens a new one. Resolves once it is closed. */
  async drop(): Promise<void> {
    const previous = this.#current
    this.#current = null
    await previous?.then((connection) => connection.close()).catch(() => undefined)
  }
}
