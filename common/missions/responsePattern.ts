/**
 * @module Expected responses in missions, and how a real output is compared
 * with them.
 *
 * A response is valkey-cli's exact text. Where a value cannot be fixed, the
 * mission declares a wildcard in place:
 *   {{int A..B}}  an integer from A to B (a TTL counting down)
 *   {{int}}       any integer (a timestamp from TIME)
 *   {{any}}       any text up to the end of that line
 *   {{uuid}}      a UUID (lower-case, hyphenated: what SESSION.CREATE makes)
 *   {{u64}}       a 64-bit unsigned integer in decimal (a session token)
 *   {{timestamp}} an RFC 3339 time (2025-04-07T14:40:00.123456Z, ...+00:00)
 *   {{capture NAME [uuid|u64|timestamp|word]}}
 *                 a value later blocks use as {{NAME}} (a session id is random):
 *                 the kind says what it must look like, a word (no spaces or
 *                 quotes) when none is given
 * and a response fenced as ```response unordered compares its lines in any
 * order, ignoring the `1)` numbering (SCAN's key order is not fixed).
 *
 * Shared by the server (mission checks at load time), the doc test and the
 * page (which draws wildcards as "varies" chips).
 */
import type { ResponseSpec } from '../protocol/index.ts'

type ValueKind = 'uuid' | 'u64' | 'timestamp' | 'word'
export type Wildcard = { kind: 'int'; min: number; max: number } | { kind: 'any' } | { kind: ValueKind; capture?: string }
export type ResponseSegment = { text: string } | { wildcard: Wildcard; source: string }

const PLACEHOLDER =
  /\{\{\s*(?:(int)(?:\s+(-?\d+)\.\.(-?\d+))?|(any)|(uuid|u64|timestamp)|capture\s+([a-z][a-z0-9_]*)(?:\s+(uuid|u64|timestamp|word))?)\s*\}\}/g

const PLACEHOLDER_TEST = new RegExp(PLACEHOLDER.source)

/** What each kind of value looks like. */
const VALUE_PATTERNS: Record<ValueKind, string> = {
  uuid: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
  u64: '\\d{1,20}',
  timestamp: '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:\\d{2})',
  word: '[^\\s"]+',
}
const U64_MAX = 2n ** 64n - 1n

/** Splits a response into literal text and wildcards. */
export function responseSegments(text: string): ResponseSegment[] {
  const segments: ResponseSegment[] = []
  let last = 0
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match.index > last) segments.push({ text: text.slice(last, match.index) })
    const [source, int, min, max, any, value, capture, captureKind] = match
    let wildcard: Wildcard
    if (int) wildcard = { kind: 'int', min: min === undefined ? -Infinity : Number(min), max: max === undefined ? Infinity : Number(max) }
    else if (any) wildcard = { kind: 'any' }
    else if (value) wildcard = { kind: value as ValueKind }
    else wildcard = { kind: (captureKind ?? 'word') as ValueKind, capture: capture! }
    segments.push({ wildcard, source })
    last = match.index + source.length
  }
  if (last < text.length) segments.push({ text: text.slice(last) })
  return segments
}

/** Names a response captures for later blocks, in order. */
export const capturedNames = (text: string): string[] =>
  responseSegments(text).flatMap((segment) =>
    'wildcard' in segment && 'capture' in segment.wildcard && segment.wildcard.capture ? [segment.wildcard.capture] : []
  )

/** Words for a wildcard chip: "any of 1…3600", "any integer", "varies", "a UUID". A range says it is one. */
export function describeWildcard(wildcard: Wildcard): string {
  switch (wildcard.kind) {
    case 'any':
      return 'varies'
    case 'int':
      if (wildcard.min === -Infinity && wildcard.max === Infinity) return 'any integer'
      if (wildcard.max === Infinity) return `any ≥ ${wildcard.min}`
      if (wildcard.min === -Infinity) return `any ≤ ${wildcard.max}`
      return `any of ${wildcard.min}…${wildcard.max}`
    case 'uuid':
      return 'a UUID'
    case 'u64':
      return 'a 64-bit number'
    case 'timestamp':
      return 'a timestamp'
    case 'word':
      return 'varies'
  }
}

const grouped = (value: number) => value.toLocaleString('en-US')

/** The chip's tooltip: the wildcard in a sentence ("a number from 1 to 3,600; it varies from run to run"). */
export function explainWildcard(wildcard: Wildcard): string {
  const varies = 'it varies from run to run'
  switch (wildcard.kind) {
    case 'any':
      return `any text; ${varies}`
    case 'int':
      if (wildcard.min === -Infinity && wildcard.max === Infinity) return `any whole number; ${varies}`
      if (wildcard.max === Infinity) return `a number of ${grouped(wildcard.min)} or more; ${varies}`
      if (wildcard.min === -Infinity) return `a number of ${grouped(wildcard.max)} or less; ${varies}`
      return `a number from ${grouped(wildcard.min)} to ${grouped(wildcard.max)}; ${varies}`
    case 'uuid':
      return `a UUID such as 8f0f964d-1e9b-4f25-9567-0b9b5d32a7c1; ${varies}`
    case 'u64':
      return `a whole number from 0 to 18,446,744,073,709,551,615; ${varies}`
    case 'timestamp':
      return `a date and time such as 2025-04-07T14:40:00Z; ${varies}`
    case 'word':
      return varies
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

type Captures = Record<string, string>

/** The captures when `actual` matches the text with wildcards (the whole of it), else null. */
function matchText(expected: string, actual: string): Captures | null {
  const checks: ((value: string) => boolean)[] = []
  const names: (string | null)[] = []
  let source = '^'
  for (const segment of responseSegments(expected)) {
    if ('text' in segment) {
      source += escape(segment.text)
      continue
    }
    const { wildcard } = segment
    if (wildcard.kind === 'any') {
      source += '[^\\n]*'
      continue
    }
    if (wildcard.kind === 'int') {
      source += '(-?\\d+)'
      checks.push((value) => Number(value) >= wildcard.min && Number(value) <= wildcard.max)
      names.push(null)
      continue
    }
    source += `(${VALUE_PATTERNS[wildcard.kind]})`
    checks.push(wildcard.kind === 'u64' ? (value) => BigInt(value) <= U64_MAX : () => true)
    names.push(wildcard.capture ?? null)
  }
  const match = new RegExp(source + '$').exec(actual)
  if (!match) return null
  const captures: Captures = {}
  for (let i = 0; i < checks.length; i++) {
    const value = match[i + 1]!
    if (!checks[i]!(value)) return null
    const name = names[i]
    if (name) {
      // The same name twice in one response must be the same value.
      if (name in captures && captures[name] !== value) return null
      captures[name] = value
    }
  }
  return captures
}

/** A line without its indentation and `N) ` prefixes: `2) 1) "k"` → `"k"`. */
const itemOf = (line: string) => line.replace(/^\s*(?:\d+\)\s)*/, '')

/** The values a command's real output gives the response's captures, or null when it is not the response shown. */
export function responseCaptures(spec: ResponseSpec, actual: string): Captures | null {
  if (!spec.unordered) return matchText(spec.text, actual)
  // Lines without wildcards are matched first, so a wildcard line cannot take a line a literal one needs.
  const lines = spec.text.split('\n').map(itemOf)
  const expected = [...lines.filter((line) => !PLACEHOLDER_TEST.test(line)), ...lines.filter((line) => PLACEHOLDER_TEST.test(line))]
  const remaining = actual.split('\n').map(itemOf)
  if (expected.length !== remaining.length) return null
  const captures: Captures = {}
  for (const line of expected) {
    let found: Captures | null = null
    const at = remaining.findIndex((candidate) => (found = matchText(line, candidate)) !== null)
    if (at < 0 || !found) return null
    Object.assign(captures, found)
    remaining.splice(at, 1)
  }
  return captures
}

/** Whether a command's real output is the response the mission shows. */
export function responseMatches(spec: ResponseSpec, actual: string): boolean {
  return responseCaptures(spec, actual) !== null
}

/** `{{NAME}}` in a command line: a value an earlier response captured. */
const USE = /\{\{\s*([a-z][a-z0-9_]*)\s*\}\}/g

/** Names a command line uses. */
export const usedNames = (line: string): string[] => [...line.matchAll(USE)].map((match) => match[1]!)

/** The line with each `{{NAME}}` replaced by its captured value; names not captured yet stay as they are. */
export const fillCaptures = (line: string, captures: Readonly<Captures>): string =>
  line.replace(USE, (whole, name: string) => captures[name] ?? whole)

/**
 * A template as the page shows it: literal text, wildcards (chips), values an earlier reply gives
 * that are not known yet (`use`), and anything else between double braces (`unknown`, which the
 * mission parser refuses, drawn as a chip all the same). No segment's text holds `{{`.
 */
export type DisplaySegment = { text: string } | { wildcard: Wildcard; source: string } | { use: string } | { unknown: string }

const BRACES = /\{\{[^{}]*\}\}/g
const WHOLE_PLACEHOLDER = new RegExp(`^${PLACEHOLDER.source}$`)
const WHOLE_USE = new RegExp(`^${USE.source}$`)

/** Splits a command line or response, with the known captures filled in, into what the page draws. */
export function displaySegments(text: string, captures: Readonly<Captures> = {}): DisplaySegment[] {
  const filled = fillCaptures(text, captures)
  const segments: DisplaySegment[] = []
  let last = 0
  for (const match of filled.matchAll(BRACES)) {
    if (match.index > last) segments.push({ text: filled.slice(last, match.index) })
    const source = match[0]
    const use = WHOLE_USE.exec(source)
    if (WHOLE_PLACEHOLDER.test(source)) segments.push(responseSegments(source)[0] as DisplaySegment)
    else if (use) segments.push({ use: use[1]! })
    else segments.push({ unknown: source })
    last = match.index + source.length
  }
  if (last < filled.length) segments.push({ text: filled.slice(last) })
  return segments
}

/** Text between double braces that is neither a wildcard (when `wildcards`) nor a name: `{{int 5}}`, `{{Id}}`. */
export function unknownPlaceholders(text: string, wildcards: boolean): string[] {
  return [...text.matchAll(BRACES)]
    .map((match) => match[0])
    .filter((source) => !WHOLE_USE.test(source) && !(wildcards && WHOLE_PLACEHOLDER.test(source)))
}
