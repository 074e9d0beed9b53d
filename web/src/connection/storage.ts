/**
 * @module The attendee's sandbox token and chosen name, kept in localStorage so a reload (or a
 * reconnect after a wifi drop) returns to the same sandbox under the same name. The keys are the
 * ones earlier versions of the page used, so an upgrade keeps both.
 */
import type { NameStore, TokenStore } from '../../../common/connection/stores.ts'

const TOKEN_KEY = 'valkey-playground:token'
const NAME_KEY = 'valkey-playground:name'

/** Storage can be unavailable (some private modes): then reads find nothing and both last for this page only. */
function read(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key)
    else localStorage.setItem(key, value)
  } catch {
    // See read(): without storage the value lasts for this page only.
  }
}

export const localTokenStore: TokenStore = { get: () => read(TOKEN_KEY), set: (token) => write(TOKEN_KEY, token) }

export const localNameStore: NameStore = { get: () => read(NAME_KEY), set: (name) => write(NAME_KEY, name) }
