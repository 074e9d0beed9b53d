/**
 * @module JSON text of a large value, a piece at a time.
 *
 * JSON.stringify of a reply with 200,000 elements holds the one event loop for tens of
 * milliseconds, and every other attendee's reply waits behind it. `jsonPieces` yields the same
 * JSON as JSON.stringify (same order, same escaping) in pieces of bounded work: parts of the value
 * small enough are stringified whole, larger arrays and objects are walked. Values are what
 * protocol messages hold: objects, arrays, strings, numbers, booleans, null (undefined properties
 * are left out, as JSON.stringify does), and replies the decoder kept as JSON text
 * (EncodedAggregate), whose text is passed on as it is.
 */
import { EncodedAggregate } from '../resp/EncodedAggregate.ts'

/** About how many nodes (and 64-character runs of text) one piece covers. */
export const PIECE_WEIGHT = 2048

/** Nodes in `value`, counting long strings by their length; stops counting at `cap`. */
export function weight(value: unknown, cap: number): number {
  // Already JSON text, and large by construction: always sent in pieces.
  if (value instanceof EncodedAggregate) return cap
  if (typeof value === 'string') return 1 + (value.length >> 6)
  if (value === null || typeof value !== 'object') return 1
  let total = 1
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && total < cap; i++) total += weight(value[i], cap - total)
    return total
  }
  // for...in, not Object.values: this runs for every element of a large reply.
  for (const key in value) {
    total += weight((value as Record<string, unknown>)[key], cap - total)
    if (total >= cap) return total
  }
  return total
}

export function* jsonPieces(value: unknown): Generator<string> {
  if (value instanceof EncodedAggregate) {
    yield* value.pieces()
    return
  }
  // A long string is one piece however long: it cannot be cut.
  if (value === null || typeof value !== 'object' || weight(value, PIECE_WEIGHT) < PIECE_WEIGHT) {
    yield JSON.stringify(value)
    return
  }
  if (Array.isArray(value)) {
    yield '['
    let batch: unknown[] = []
    let batchWeight = 0
    let first = true
    const flush = function* () {
      if (batch.length === 0) return
      const text = JSON.stringify(batch)
      yield (first ? '' : ',') + text.slice(1, -1)
      first = false
      batch = []
      batchWeight = 0
    }
    for (const item of value as unknown[]) {
      // JSON.stringify writes null for undefined and functions inside arrays.
      const element = item === undefined || typeof item === 'function' ? null : item
      const itemWeight = weight(element, PIECE_WEIGHT)
      if (itemWeight >= PIECE_WEIGHT) {
        yield* flush()
        if (!first) yield ','
        yield* jsonPieces(element)
        first = false
        continue
      }
      batch.push(element)
      batchWeight += itemWeight
      if (batchWeight >= PIECE_WEIGHT) yield* flush()
    }
    yield* flush()
    yield ']'
    return
  }
  yield '{'
  let first = true
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (child === undefined || typeof child === 'function') continue
    yield `${first ? '' : ','}${JSON.stringify(key)}:`
    first = false
    yield* jsonPieces(child)
  }
  yield '}'
}
