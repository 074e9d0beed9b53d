/**
 * @module How the field table is narrowed and ordered on the page: by value text, by "has a
 * TTL", and sorted by name, value or TTL. The field-name filter goes to the server (HSCAN MATCH),
 * so a 100,000-field hash is filtered there; these apply to the fields loaded so far.
 */
import { showValue } from './displayValue.ts'
import type { FieldRow } from './inspectorStore.ts'

export type SortColumn = 'name' | 'value' | 'ttl'
export type FieldQuery = {
  /** null: the server's order (HSCAN's), as before any header was clicked. */
  sort: SortColumn | null
  descending: boolean
  /** Case-insensitive text the value must contain (as shown, escapes included). */
  valueSearch: string
  ttlOnly: boolean
}

export const defaultQuery: FieldQuery = { sort: null, descending: false, valueSearch: '', ttlOnly: false }

const GLOB = /[*?[\\]/

/**
 * The HSCAN MATCH pattern for what was typed in the field filter: a glob as it is, plain text as
 * "contains" (`*text*`), nothing as every field.
 */
export function fieldPattern(typed: string): string {
  const text = typed.trim()
  if (text === '') return '*'
  return GLOB.test(text) ? text : `*${text}*`
}

const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

function compare(column: SortColumn, a: FieldRow, b: FieldRow): number {
  switch (column) {
    case 'name':
      return byBytes(a.field, b.field)
    case 'value': {
      // Numbers sort as numbers, then everything else by bytes.
      const x = Number(a.value)
      const y = Number(b.value)
      const xNumber = a.value.trim() !== '' && Number.isFinite(x)
      const yNumber = b.value.trim() !== '' && Number.isFinite(y)
      if (xNumber && yNumber) return x - y || byBytes(a.field, b.field)
      if (xNumber !== yNumber) return xNumber ? -1 : 1
      return byBytes(a.value, b.value) || byBytes(a.field, b.field)
    }
    case 'ttl':
      // Soonest expiry first; fields without a TTL last.
      if (a.expiresAt === b.expiresAt) return byBytes(a.field, b.field)
      if (a.expiresAt === null) return 1
      if (b.expiresAt === null) return -1
      return a.expiresAt - b.expiresAt
  }
}

/** The rows to show, in order. Returns the same array when the query changes nothing. */
export function applyFieldQuery(rows: FieldRow[], query: FieldQuery): FieldRow[] {
  const needle = query.valueSearch.trim().toLowerCase()
  let shown = rows
  if (needle !== '' || query.ttlOnly) {
    shown = rows.filter(
      (row) => (!query.ttlOnly || row.expiresAt !== null) && (needle === '' || showValue(row.value).text.toLowerCase().includes(needle))
    )
  }
  if (query.sort === null) return shown
  const column = query.sort
  const sign = query.descending ? -1 : 1
  return [...shown].sort((a, b) => sign * compare(column, a, b))
}

/** Clicking a column header: sort by it, then reverse it, then back to the server's order. */
export function nextSort(query: FieldQuery, column: SortColumn): FieldQuery {
  if (query.sort !== column) return { ...query, sort: column, descending: false }
  if (!query.descending) return { ...query, descending: true }
  return { ...query, sort: null, descending: false }
}
