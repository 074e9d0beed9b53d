/**
 * @module Inspect mode's searches across keys, one page's: at most one runs at a time (a new one
 * stops the one before), each on a connection of its own to the database the page shows, so the
 * inspector's reads never wait behind it. Progress goes to the page as keySearch messages carrying
 * the page's id.
 */
import type { ServerMessage, SearchKeysMessage } from '../../../common/protocol/index.ts'
import type { ValkeyTarget } from '../config.ts'
import { searchKeys } from '../inspector/KeySearch.ts'
import { openTarget } from './targetConnection.ts'

export class KeySearchRunner {
  /** The id of the search running, or null. */
  #running: number | null = null
  #closed = false

  constructor(
    private readonly endpoint: ValkeyTarget,
    private readonly send: (message: ServerMessage) => void,
    private readonly log: (message: string) => void
  ) {}

  start(request: SearchKeysMessage, db: number): void {
    this.#running = request.id
    void this.#run(request, db)
  }

  /** Stops the search with this id, if it is the one running. */
  stop(id: number): void {
    if (this.#running === id) this.#running = null
  }

  close(): void {
    this.#closed = true
    this.#running = null
  }

  async #run(request: SearchKeysMessage, db: number): Promise<void> {
    const { id } = request
    const stopped = () => this.#closed || this.#running !== id
    const tell = (progress: Parameters<Parameters<typeof searchKeys>[5]>[0]) => {
      if (!this.#closed) this.send({ type: 'keySearch', id, ...progress })
    }
    let connection
    try {
      connection = await openTarget(this.endpoint, db, 'value-search')
    } catch (error) {
      tell({ matches: [], keysScanned: 0, keysMatched: 0, partialKeys: 0, state: 'failed', error: (error as Error).message })
      return
    }
    try {
      const open = connection
      await searchKeys((args) => open.send(args), request.pattern, request.text, request, stopped, tell)
    } catch (error) {
      this.log(`inspect: value search failed: ${(error as Error).message}`)
      tell({ matches: [], keysScanned: 0, keysMatched: 0, partialKeys: 0, state: 'failed', error: (error as Error).message })
    } finally {
      connection.close()
      if (this.#running === id) this.#running = null
    }
  }
}
