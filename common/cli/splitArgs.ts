/**
 * @module Splits a line into arguments exactly as valkey-cli does (sds.c sdssplitargs).
 *
 * Input and output are byte strings. In double quotes: \xHH (two hex
 * digits), \n \r \t \b \a, and backslash-anything-else for that character;
 * in single quotes only \' is special; a quote may start in the middle of a
 * word. Returns null where valkey-cli prints "Invalid argument(s)"
 * (an unterminated quote, including a trailing backslash inside one).
 *
 * Two generations of the rules exist. Up to Valkey 8.x a closing quote must
 * be followed by whitespace or the end of the line (`"foo"bar` is invalid).
 * From 9.0 (valkey-io/valkey#2098) quoted and unquoted text mix like in a
 * shell (`"foo"bar'baz'` is one argument, `foobarbaz`). The terminal follows
 * the rules of the valkey-cli that matches the server it talks to.
 */

export type QuoteRules = 'mixed' | 'strict'

const isSpace = (c: string | undefined) => c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\v' || c === '\f'
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c)
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' }

/** valkey-cli's rules for a server version: 9.0 and later mix quotes freely. */
export function quoteRulesFor(valkeyVersion: string): QuoteRules {
  const major = Number(/^(\d+)\./.exec(valkeyVersion)?.[1] ?? 9)
  return major >= 9 ? 'mixed' : 'strict'
}

/** Lines without quotes (most of them) split on the four separators at once. */
const NEEDS_PARSER = /["'\v\f]/

export function splitArgs(line: string, rules: QuoteRules = 'mixed'): string[] | null {
  if (!NEEDS_PARSER.test(line)) {
    const words = line.split(/[ \t\n\r]+/)
    if (words[0] === '') words.shift()
    if (words[words.length - 1] === '') words.pop()
    return words
  }
  const args: string[] = []
  let i = 0
  for (;;) {
    while (isSpace(line[i])) i++
    if (i >= line.length) return args
    let current = ''
    let quote: '"' | "'" | null = null
    for (;;) {
      const c = line[i]
      if (quote === '"') {
        if (c === undefined) return null // unterminated quotes
        if (c === '\\' && line[i + 1] === 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16))
          i += 4
        } else if (c === '\\' && line[i + 1] !== undefined) {
          current += ESCAPES[line[i + 1]!] ?? line[i + 1]
          i += 2
        } else if (c === '"') {
          i++
          if (rules === 'mixed') quote = null
          else if (line[i] === undefined || isSpace(line[i])) break
          else return null // "foo"bar
        } else {
          current += c
          i++
        }
      } else if (quote === "'") {
        if (c === undefined) return null
        if (c === '\\' && line[i + 1] === "'") {
          current += "'"
          i += 2
        } else if (c === "'") {
          i++
          if (rules === 'mixed') quote = null
          else if (line[i] === undefined || isSpace(line[i])) break
          else return null
        } else {
          current += c
          i++
        }
      } else {
        // Unquoted text ends only at these four (not at \v or \f).
        if (c === undefined || c === ' ' || c === '\n' || c === '\r' || c === '\t') break
        if (c === '"' || c === "'") quote = c
        else current += c
        i++
      }
    }
    args.push(current)
  }
}
