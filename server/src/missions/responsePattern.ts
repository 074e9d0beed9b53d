/**
 * @module Expected responses in missions, and how a real output is compared
 * with them.
 *
 * A response is valkey-cli's exact text. Where a value cannot be fixed, the
 * mission declares a wildcard in place:
 *   {{int A..B}}  an integer from A to B (a TTL counting down)
 *   {{int}}       any integer (a timestamp from TIME)
 *   {{any}}       any text up to the end of that line
 * and a response fenced as ```response unordered compares its lines in any
 * order, ignoring the `1)` numbering (SCAN's key order is not fixed).
 *
 * Shared by the server (mission checks at load time), the doc test and the
 * page (which draws wildcards as "varies" chips).
 */
import type { ResponseSpec } from '../protocol.ts'

export type Wildcard = { kind: 'int'; min: number; max: number } | { kind: 'any' }
export type ResponseSegment = { text: string } | { wildcard: Wildcard; source: string }

const PLACEHOLDER = /\{\{\s*(int|any)(?:\s+(-?\d+)\.\.(-?\d+))?\s*\}\}/g

/** Splits a response into literal text and wildcards. */
export function responseSegments(text: string): ResponseSegment[] {
  const segments: ResponseSegment[] = []
  let last = 0
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > last) segments.push({ text: text.slice(last, match.index) })
    const [source, kind, min, max] = match
    const wildcard: Wildcard =
      kind === 'any'
        ? { kind: 'any' }
        : { kind: 'int', min: min === undefined ? -Infinity : Number(min), max: max === undefined ? Infinity : Number(max) }
    segments.push({ wildcard, source })
    last = match.index + source.length
  }
  if (last < text.length) segments.push({ text: text.slice(last) })
  return segments
}

/** Words for a wildcard chip: "1…3600", "any integer", "varies". */
export function describeWildcard(wildcard: Wildcard): string {
  if (wildcard.kind === 'any') return 'varies'
  if (wildcard.min === -Infinity && wildcard.max === Infinity) return 'any integer'
  return `${wildcard.min === -Infinity ? '' : wildcard.min}…${wildcard.max === Infinity ? '' : wildcard.max}`
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Whether `actual` matches the text with wildcards (the whole of it). */
function matchesText(expected: string, actual: string): boolean {
  const segments = responseSegments(expected)
  const ranges: Wildcard[] = []
  let source = '^'
  for (const segment of segments) {
    if ('text' in segment) {
      source += escape(segment.text)
    } else if (segment.wildcard.kind === 'int') {
      source += '(-?\\d+)'
      ranges.push(segment.wildcard)
    } else {
      source += '[^\\n]*'
    }
  }
  const match = new RegExp(source + '$').exec(actual)
  if (!match) return false
  return ranges.every((range, i) => {
    const value = Number(match[i + 1])
    return range.kind === 'int' && value >= range.min && value <= range.max
  })
}

/** A line without its indentation and `N) ` prefixes: `2) 1) "k"` → `"k"`. */
const itemOf = (line: string) => line.replace(/^\s*(?:\d+\)\s)*/, '')

/** Whether a command's real output is the response the mission shows. */
export function responseMatches(spec: ResponseSpec, actual: string): boolean {
  if (!spec.unordered) return matchesText(spec.text, actual)
  const expected = spec.text.split('\n').map(itemOf)
  const remaining = actual.split('\n').map(itemOf)
  if (expected.length !== remaining.length) return false
  for (const line of expected) {
    const at = remaining.findIndex((candidate) => matchesText(line, candidate))
    if (at < 0) return false
    remaining.splice(at, 1)
  }
  return true
}
