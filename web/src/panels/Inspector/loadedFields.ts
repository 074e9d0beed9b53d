/**
 * @module How much of an open hash the page has, said plainly, and loading the rest on request.
 *
 * A large hash arrives a page at a time (one HSCAN batch of about 1,000 fields per request, see
 * server/src/inspector/KeyReader.ts), so sorting or filtering on the page works on what is loaded.
 * The texts here say so ("sorted: the 1,001 loaded of 50,000"), and "Load all" asks for the next
 * page as soon as the last one arrives, until the hash is done or a bound is reached: the server
 * only ever runs short HSCAN batches (never an HGETALL of a huge hash on its one thread), between
 * which other clients' commands run, and stopping is simply not asking for the next page.
 */

/** "Load all" stops after this many fields... */
export const LOAD_ALL_FIELDS = 100_000
/** ...or once the loaded names and values take this many bytes, whichever comes first. */
export const LOAD_ALL_BYTES = 64 * 1024 * 1024

const count = (n: number) => n.toLocaleString('en-US')
const plural = (n: number, word: string) => `${count(n)} ${word}${n === 1 ? '' : 's'}`

/** What the page knows of the open hash's fields. */
export type LoadedFields = {
  /** Fields on the page (loaded pages, and matches of a search by value). */
  loaded: number
  /** HLEN: every field of the hash. */
  total: number
  /** More pages exist (the HSCAN cursor is not done). */
  partial: boolean
  /** Only fields matching a name filter are loaded (then `total` counts others too). */
  filtered: boolean
}

/** Bytes of the loaded names and values (what the bound on "Load all" counts). */
export function loadedBytes(fields: readonly { field: string; value: string }[]): number {
  let bytes = 0
  for (const row of fields) bytes += row.field.length + row.value.length
  return bytes
}

/** Whether "Load all" should ask for one more page. */
export function keepLoading(partial: boolean, fields: readonly { field: string; value: string }[]): boolean {
  return partial && fields.length < LOAD_ALL_FIELDS && loadedBytes(fields) < LOAD_ALL_BYTES
}

/**
 * The count beside the field tools: `shown` rows after the page's own filters (value text, has a
 * TTL) of the `loaded` ones, and of how many in all when that is known.
 */
export function fieldCountText({ loaded, total, partial, filtered }: LoadedFields, shown: number): string {
  const narrowed = shown !== loaded ? `${count(shown)} of ` : ''
  if (!partial) return `${narrowed}${count(loaded)} ${filtered ? 'matching' : 'shown'}`
  if (filtered) return `${narrowed}${count(loaded)} matching loaded so far (the hash has ${count(total)})`
  if (narrowed) return `${narrowed}the ${count(loaded)} loaded (the hash has ${count(total)})`
  return `${count(loaded)} of ${count(total)} loaded`
}

/**
 * What a sort covers, when it does not cover the whole hash: "sorted: the 1,001 loaded of 50,000".
 * Null when everything is loaded (the sort is the whole truth).
 */
export function sortScope({ loaded, total, partial, filtered }: LoadedFields): string | null {
  if (!partial) return null
  return filtered
    ? `sorted: the ${count(loaded)} matching fields loaded so far, not the whole hash`
    : `sorted: the ${count(loaded)} loaded of ${count(total)}`
}

/** The "Load all" button's label: all of them, or as many as the bound allows. */
export function loadAllLabel({ total, filtered }: LoadedFields): string {
  if (!filtered && total <= LOAD_ALL_FIELDS) return `Load all ${plural(total, 'field')}`
  return `Load all (up to ${count(LOAD_ALL_FIELDS)})`
}

/** Progress while "Load all" runs. */
export function loadingText({ loaded, total, filtered }: LoadedFields): string {
  return filtered ? `loading… ${count(loaded)} matching so far` : `loading… ${count(loaded)} of ${count(Math.min(total, LOAD_ALL_FIELDS))}`
}

/** Said once "Load all" stopped at its bound with fields left. */
export function boundText(): string {
  return `stopped at the bound (${count(LOAD_ALL_FIELDS)} fields or ${LOAD_ALL_BYTES / 1024 / 1024} MiB); filter by name to see others`
}
