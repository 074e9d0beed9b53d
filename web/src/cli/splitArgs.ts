/**
 * @module Splits a line into arguments exactly as valkey-cli does (sds.c sdssplitargs).
 *
 * Input and output are byte strings. Quoting rules: in double quotes, \xHH
 * (two hex digits), \n \r \t \b \a and backslash-anything-else; in single
 * quotes only \' is special; a quote may start in the middle of a word; a
 * closing quote must be followed by whitespace or the end of the line.
 * Returns null where valkey-cli prints "Invalid argument(s)".
 */

const isSpace = (c: string | undefined) => c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\v' || c === '\f'
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c)
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', a: '\x07' }

export function splitArgs(line: string): string[] | null {
  const args: string[] = []
  let i = 0
  for (;;) {
    while (isSpace(line[i])) i++
    if (i >= line.length) return args
    let current = ''
    let inDouble = false
    let inSingle = false
    for (;;) {
      const c = line[i]
      if (inDouble) {
        if (c === undefined) return null // unterminated quotes
        if (c === '\\' && line[i + 1] === 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
          current += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16))
          i += 3
        } else if (c === '\\' && line[i + 1] !== undefined) {
          const next = line[++i]!
          current += ESCAPES[next] ?? next
        } else if (c === '"') {
          // The closing quote must be followed by a space or nothing at all.
          if (line[i + 1] !== undefined && !isSpace(line[i + 1])) return null
          i++
          break
        } else {
          current += c
        }
      } else if (inSingle) {
        if (c === undefined) return null
        if (c === '\\' && line[i + 1] === "'") {
          current += "'"
          i++
        } else if (c === "'") {
          if (line[i + 1] !== undefined && !isSpace(line[i + 1])) return null
          i++
          break
        } else {
          current += c
        }
      } else {
        if (c === undefined || c === ' ' || c === '\n' || c === '\r' || c === '\t') break
        if (c === '"') inDouble = true
        else if (c === "'") inSingle = true
        else current += c
      }
      i++
    }
    args.push(current)
  }
}
