/**
 * @module Command history like valkey-cli's: at most 100 entries, no two
 * identical in a row, and sensitive lines (AUTH, passwords) kept in memory but
 * never written to storage.
 */

export const HISTORY_MAX = 100

/** Lines valkey-cli keeps out of its history file (isSensitiveCommand). */
const MAYBE_SENSITIVE = /^\s*(auth|acl|config|hello|migrate|sentinel)\b/i

export function isSensitive(line: string): boolean {
  if (!MAYBE_SENSITIVE.test(line)) return false
  const words = line
    .trim()
    .split(/\s+/)
    .map((word) => word.toLowerCase())
  const [first = '', second = '', third = ''] = words
  if (first === 'auth') return true
  if (first === 'acl' && ['setuser', 'deluser', 'getuser'].includes(second)) return true
  if (
    first === 'config' &&
    second === 'set' &&
    ['masterauth', 'masteruser', 'primaryauth', 'primaryuser', 'requirepass', 'tls-key-file-pass', 'tls-client-key-file-pass'].includes(
      third
    )
  )
    return true
  if (first === 'hello' && words.includes('auth')) return true
  if (first === 'migrate' && (words.includes('auth') || words.includes('auth2'))) return true
  if (first === 'sentinel' && second === 'config' && third === 'set' && ['sentinel-pass', 'sentinel-user'].includes(words[3] ?? ''))
    return true
  if (first === 'sentinel' && second === 'set' && ['auth-pass', 'auth-user'].includes(words[3] ?? '')) return true
  return false
}

export type HistoryStore = { load(): string[]; save(lines: string[]): void }

export class History {
  #entries: { line: string; sensitive: boolean }[]
  /** Position while browsing with up/down: entries.length means "the line being edited". */
  #index: number
  #draft = ''

  constructor(private readonly store?: HistoryStore) {
    const saved = store?.load() ?? []
    this.#entries = saved.slice(-HISTORY_MAX).map((line) => ({ line, sensitive: false }))
    this.#index = this.#entries.length
  }

  get lines(): string[] {
    return this.#entries.map((entry) => entry.line)
  }

  /** `sensitive` lines stay in memory but are never saved (valkey-cli judges them after a repeat count). */
  add(line: string, sensitive = isSensitive(line)): void {
    this.#index = this.#entries.length
    if (!line.trim()) return
    if (this.#entries[this.#entries.length - 1]?.line === line) return
    this.#entries.push({ line, sensitive })
    if (this.#entries.length > HISTORY_MAX) this.#entries.shift()
    this.#index = this.#entries.length
    this.store?.save(this.#entries.filter((entry) => !entry.sensitive).map((entry) => entry.line))
  }

  /** Up: the previous entry, remembering the line being edited. Null at the oldest. */
  previous(current: string): string | null {
    if (this.#index === 0) return null
    if (this.#index === this.#entries.length) this.#draft = current
    return this.#entries[--this.#index]!.line
  }

  /** Down: the next entry, or back to the line being edited. Null when already there. */
  next(): string | null {
    if (this.#index >= this.#entries.length) return null
    this.#index++
    return this.#index === this.#entries.length ? this.#draft : this.#entries[this.#index]!.line
  }

  resetBrowsing(): void {
    this.#index = this.#entries.length
  }
}
