/**
 * @module How the lesson points the inspector at what it talks about: a step that names a key
 * opens that key when its commands run, so "look at the inspector" needs no hunting for a click.
 * The inspector panel attaches; before that (or without a connection) a request is dropped,
 * because the next one will come with the next Run.
 */
export class InspectorBridge {
  #show: ((key: string) => void) | null = null

  attach(show: (key: string) => void): () => void {
    this.#show = show
    return () => {
      if (this.#show === show) this.#show = null
    }
  }

  /** Opens `key` (a byte string) in the inspector. */
  show(key: string): void {
    this.#show?.(key)
  }
}
