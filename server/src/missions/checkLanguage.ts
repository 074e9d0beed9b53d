/**
 * @module The small language of step checks, as written in ```check blocks.
 *
 * One check per line, optionally labelled: `Label text :: probe args [op value]`.
 *
 *   hget KEY FIELD = "9500"          value of a hash field ("nil" when absent)
 *   hexists KEY FIELD = 1            hlen KEY = 6          exists KEY = 0
 *   ttl KEY between 1 3600           pttl KEY > 0          httl KEY FIELD between 1 120
 *   type KEY = hash                  dbsize = 3
 *   keys PATTERN [TYPE] = 0          number of keys matching a glob (SCAN, so never blocks)
 *   ran CMD[|CMD2] ARGS... [op value]
 *       the newest non-error reply to a command the user ran that matches:
 *       names compare case-insensitively; `*` is any one argument, a final
 *       `...` any number; without op, any non-error reply passes.
 *
 * Operators: = != > >= < <= `between A B` and `contains V...` (a list reply
 * holds every V). Values are numbers, "quoted strings" (JSON escapes), `nil`,
 * or bare words. Quoting an operator or `*` makes it a literal argument.
 *
 * Pure: parsing and comparison only; the server runs the probes.
 */

export type ArgPattern = { any: 'one' } | { any: 'rest' } | { literal: string }

export type Probe =
  | { kind: 'hget' | 'hexists' | 'httl'; key: string; field: string }
  | { kind: 'hlen' | 'ttl' | 'pttl' | 'exists' | 'type'; key: string }
  | { kind: 'keys'; pattern: string; type: string | null }
  | { kind: 'dbsize' }
  | { kind: 'ran'; names: string[]; args: ArgPattern[] }

export type CheckValue = string | number | null | string[]

export type Expectation =
  | { op: '=' | '!='; value: string | number | null }
  | { op: '>' | '>=' | '<' | '<='; value: number }
  | { op: 'between'; min: number; max: number }
  | { op: 'contains'; values: string[] }

export type Check = { label: string; source: string; probe: Probe; expect: Expectation | null }

type Token = { text: string; quoted: boolean }

const OPERATORS = new Set(['=', '!=', '>', '>=', '<', '<=', 'between', 'contains'])

export class CheckSyntaxError extends Error {
  override name = 'CheckSyntaxError'
}

function tokenize(line: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < line.length) {
    if (/\s/.test(line[i]!)) {
      i++
      continue
    }
    if (line[i] === '"') {
      let end = i + 1
      while (end < line.length && line[end] !== '"') end += line[end] === '\\' ? 2 : 1
      if (end >= line.length) throw new CheckSyntaxError('unterminated quoted string')
      let text: string
      try {
        text = JSON.parse(line.slice(i, end + 1)) as string
      } catch {
        throw new CheckSyntaxError(`bad escape in ${line.slice(i, end + 1)}`)
      }
      tokens.push({ text, quoted: true })
      i = end + 1
      continue
    }
    let end = i
    while (end < line.length && !/\s/.test(line[end]!)) end++
    tokens.push({ text: line.slice(i, end), quoted: false })
    i = end
  }
  return tokens
}

const isOperator = (token: Token) => !token.quoted && OPERATORS.has(token.text)

function number(token: Token | undefined, what: string): number {
  const value = token && !token.quoted ? Number(token.text) : NaN
  if (!Number.isFinite(value)) throw new CheckSyntaxError(`${what} must be a number`)
  return value
}

function scalar(token: Token | undefined): string | number | null {
  if (!token) throw new CheckSyntaxError('a value is missing after the operator')
  if (token.quoted) return token.text
  if (token.text === 'nil') return null
  const value = Number(token.text)
  return token.text !== '' && Number.isFinite(value) ? value : token.text
}

function parseExpectation(tokens: Token[]): Expectation | null {
  if (tokens.length === 0) return null
  const [op, ...rest] = tokens
  const name = op!.text
  const exactly = (count: number) => {
    if (rest.length !== count) throw new CheckSyntaxError(`'${name}' takes ${count} value${count === 1 ? '' : 's'}`)
  }
  switch (name) {
    case '=':
    case '!=':
      exactly(1)
      return { op: name, value: scalar(rest[0]) }
    case '>':
    case '>=':
    case '<':
    case '<=':
      exactly(1)
      return { op: name, value: number(rest[0], `the value after '${name}'`) }
    case 'between': {
      exactly(2)
      const min = number(rest[0], 'between: the lower bound')
      const max = number(rest[1], 'between: the upper bound')
      if (min > max) throw new CheckSyntaxError('between: the lower bound is above the upper bound')
      return { op: 'between', min, max }
    }
    case 'contains':
      if (rest.length === 0) throw new CheckSyntaxError("'contains' needs at least one value")
      return { op: 'contains', values: rest.map((token) => token.text) }
    default:
      throw new CheckSyntaxError(`unknown operator '${name}'`)
  }
}

function parseProbe(name: string, args: Token[]): Probe {
  const texts = args.map((token) => token.text)
  const arity = (count: number, usage: string) => {
    if (args.length !== count) throw new CheckSyntaxError(`usage: ${usage}`)
  }
  switch (name) {
    case 'hget':
    case 'hexists':
    case 'httl':
      arity(2, `${name} KEY FIELD`)
      return { kind: name, key: texts[0]!, field: texts[1]! }
    case 'hlen':
    case 'ttl':
    case 'pttl':
    case 'exists':
    case 'type':
      arity(1, `${name} KEY`)
      return { kind: name, key: texts[0]! }
    case 'keys':
      if (args.length < 1 || args.length > 2) throw new CheckSyntaxError('usage: keys PATTERN [TYPE]')
      return { kind: 'keys', pattern: texts[0]!, type: texts[1] ?? null }
    case 'dbsize':
      arity(0, 'dbsize')
      return { kind: 'dbsize' }
    case 'ran': {
      const [command, ...rest] = args
      if (!command || command.quoted) throw new CheckSyntaxError('usage: ran COMMAND[|COMMAND] ARGS...')
      const patterns: ArgPattern[] = rest.map((token, index) => {
        if (!token.quoted && token.text === '*') return { any: 'one' }
        if (!token.quoted && token.text === '...') {
          if (index !== rest.length - 1) throw new CheckSyntaxError("'...' may only end the argument list")
          return { any: 'rest' }
        }
        return { literal: token.text }
      })
      return { kind: 'ran', names: command.text.toUpperCase().split('|').filter(Boolean), args: patterns }
    }
    default:
      throw new CheckSyntaxError(`unknown check '${name}'`)
  }
}

/** Parses one line of a ```check block. Throws CheckSyntaxError with the reason. */
export function parseCheck(line: string): Check {
  const split = line.indexOf('::')
  const label = split >= 0 ? line.slice(0, split).trim() : ''
  const source = (split >= 0 ? line.slice(split + 2) : line).trim()
  const tokens = tokenize(source)
  if (tokens.length === 0) throw new CheckSyntaxError('empty check')
  const head = tokens[0]!
  if (head.quoted) throw new CheckSyntaxError('a check starts with its name')
  const opAt = tokens.findIndex((token, index) => index > 0 && isOperator(token))
  const args = opAt < 0 ? tokens.slice(1) : tokens.slice(1, opAt)
  const probe = parseProbe(head.text.toLowerCase(), args)
  const expect = parseExpectation(opAt < 0 ? [] : tokens.slice(opAt))
  if (!expect && probe.kind !== 'ran') throw new CheckSyntaxError(`'${head.text}' needs an operator and a value, e.g. = 1`)
  return { label: label || source, source, probe, expect }
}

/** Whether the arguments of a command the user ran match a `ran` probe. */
export function commandMatches(probe: Extract<Probe, { kind: 'ran' }>, args: string[]): boolean {
  if (args.length === 0 || !probe.names.includes(args[0]!.toUpperCase())) return false
  const rest = args.slice(1)
  for (let i = 0; i < probe.args.length; i++) {
    const pattern = probe.args[i]!
    if ('any' in pattern && pattern.any === 'rest') return true
    if (i >= rest.length) return false
    if ('literal' in pattern && pattern.literal !== rest[i]) return false
  }
  return rest.length === probe.args.length
}

const sameScalar = (actual: CheckValue, expected: string | number | null): boolean => {
  if (expected === null || actual === null) return expected === actual
  if (Array.isArray(actual)) return false
  if (typeof expected === 'number') return actual !== '' && Number(actual) === expected
  return String(actual) === expected
}

/** Whether a probe's value meets the expectation; `undefined` (no value yet) never does. */
export function meets(actual: CheckValue | undefined, expect: Expectation | null): boolean {
  if (actual === undefined) return false
  if (!expect) return true
  const numeric = typeof actual === 'number' ? actual : typeof actual === 'string' && actual !== '' ? Number(actual) : NaN
  switch (expect.op) {
    case '=':
      return sameScalar(actual, expect.value)
    case '!=':
      return !sameScalar(actual, expect.value)
    case '>':
      return numeric > expect.value
    case '>=':
      return numeric >= expect.value
    case '<':
      return numeric < expect.value
    case '<=':
      return numeric <= expect.value
    case 'between':
      return numeric >= expect.min && numeric <= expect.max
    case 'contains':
      return Array.isArray(actual) && expect.values.every((value) => actual.includes(value))
  }
}
