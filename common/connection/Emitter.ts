/**
 * @module Typed listener sets: `on` returns its own remover, `emit` calls every listener of one event
 * in the order they were added. What the connections use to tell the page (or a test) what happened.
 */

// `any` only in the constraint: each map's own signatures are what callers see.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a constraint on listener maps, never a value's type
type ListenerMap = Record<string, (...args: any[]) => void>

export class Emitter<Listeners extends ListenerMap> {
  readonly #sets = new Map<keyof Listeners, Set<Listeners[keyof Listeners]>>()

  /** Adds a listener; the function returned removes it. */
  on<K extends keyof Listeners>(event: K, listener: Listeners[K]): () => void {
    let set = this.#sets.get(event)
    if (!set) this.#sets.set(event, (set = new Set()))
    set.add(listener)
    return () => {
      set.delete(listener)
    }
  }

  emit<K extends keyof Listeners>(event: K, ...args: Parameters<Listeners[K]>): void {
    for (const listener of this.#sets.get(event) ?? []) (listener as (...a: Parameters<Listeners[K]>) => void)(...args)
  }
}
