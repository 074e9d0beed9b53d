/**
 * @module Writes arguments as a line that valkey-cli splits back into exactly
 * the same bytes: how the inspector shows (and runs) the command behind a
 * click. Plain words stay bare; anything else is double-quoted with
 * valkey-cli's escapes. Valid UTF-8 stays readable (the line is typed text,
 * sent as UTF-8); other bytes become \xHH.
 */

const decoder = new TextDecoder('utf-8', { fatal: true })
const BARE = /^[\x21-\x7e]+$/
const NEEDS_QUOTES = /["'\\]/

function asText(bytes: string): string | null {
  if (!/[\x80-\xff]/.test(bytes)) return bytes
  try {
    const array = new Uint8Array(bytes.length)
    for (let i = 0; i < bytes.length; i++) array[i] = bytes.charCodeAt(i)
    return decoder.decode(array)
  } catch {
    return null
  }
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\x07': '\\a', '\x08': '\\b' }

/** One argument (a byte string) as valkey-cli input. */
export function quoteArg(bytes: string): string {
  if (BARE.test(bytes) && !NEEDS_QUOTES.test(bytes)) return bytes
  const text = asText(bytes)
  let out = '"'
  for (const char of text ?? bytes) {
    const code = char.codePointAt(0)!
    if (ESCAPES[char]) out += ESCAPES[char]
    else if (code < 0x20 || code === 0x7f || (text === null && code >= 0x80)) out += '\\x' + code.toString(16).padStart(2, '0')
    else out += char
  }
  return out + '"'
}

export function quoteArgs(args: readonly string[]): string {
  return args.map(quoteArg).join(' ')
}
