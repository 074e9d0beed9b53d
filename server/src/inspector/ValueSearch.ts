/**
 * @module A search through the values of a whole hash: fields whose value contains a text, found
 * with HSCAN batches however large the hash is, sent to the page as they are found.
 *
 * A value matches as the page's own filter matches it: the value as the page shows it (valid
 * UTF-8 as text, anything else in valkey-cli's escaped form), compared without regard to case.
 * The walk runs a batch at a time on the inspector's own connection and stops when the page asks
 * for something else (a newer search, another key), or after MAX_MATCHES matches: a search that
 * matches everything must not send a million rows.
 */
import { valueText } from '../../../common/cli/valueText.ts'
import type { FieldInfo } from '../../../common/protocol/index.ts'
import type { KeyReader } from './KeyReader.ts'

/** Most fields one search returns. */
export const MAX_MATCHES = 5000
/** Matches are sent to the page in messages of about this many. */
const SEND_EVERY = 500

export type SearchProgress = { fields: FieldInfo[]; scanned: number; done: boolean; capped: boolean }

/** Whether a value contains the needle (already lower case) as the page shows values. */
export function valueContains(value: string, needle: string): boolean {
  return needle === '' || valueText(value).text.toLowerCase().includes(needle)
}

/**
 * Walks the hash and reports what it finds; `current()` false stops it between batches.
 * Resolves once the walk ended (done, capped or stopped).
 */
export async function searchValues(
  reader: KeyReader,
  key: string,
  text: string,
  current: () => boolean,
  report: (progress: SearchProgress) => void
): Promise<void> {
  const needle = text.trim().toLowerCase()
  let cursor = '0'
  let scanned = 0
  let found = 0
  let pending: [string, string][] = []
  const flush = async (done: boolean, capped: boolean) => {
    const pairs = pending
    pending = []
    const expiries = await reader.fieldExpiries(
      key,
      pairs.map(([field]) => field)
    )
    if (!current()) return
    report({ fields: pairs.map(([field, value], i) => ({ field, value, expiresAt: expiries[i]! })), scanned, done, capped })
  }
  do {
    const chunk = await reader.scanChunk(key, cursor)
    if (!current()) return
    cursor = chunk.cursor
    scanned += chunk.pairs.length
    for (const pair of chunk.pairs) {
      if (!valueContains(pair[1], needle)) continue
      pending.push(pair)
      if (++found >= MAX_MATCHES) return flush(true, true)
    }
    if (pending.length >= SEND_EVERY) await flush(false, false)
  } while (cursor !== '0')
  await flush(true, false)
}
