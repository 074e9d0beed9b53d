/**
 * @module Where a connection keeps what must outlive it: the sandbox token (so a reload, or a
 * reconnect after a wifi drop, returns to the same sandbox) and the attendee's chosen name. The page
 * keeps them in localStorage (web/src/connection/storage.ts); Node keeps them in memory.
 */

export type TokenStore = { get(): string | null; set(token: string): void }

/** The display name the attendee chose (null: the default "Attendee N"). */
export type NameStore = { get(): string | null; set(name: string | null): void }

/** A store that lasts as long as the object: share one between connections to come back to the same sandbox. */
export function memoryStore(): TokenStore & NameStore {
  let value: string | null = null
  return {
    get: () => value,
    set: (next: string | null) => {
      value = next
    },
  }
}
