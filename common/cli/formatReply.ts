/**
 * @module Prints a reply exactly as interactive valkey-cli does (cliFormatReplyTTY).
 *
 * Output is a byte string with bare "\n" line ends (the terminal layer turns
 * them into "\r\n"). Bulk strings are quoted and escaped like sds.c
 * sdscatrepr in the C locale, so any byte outside 0x20-0x7e, UTF-8 included,
 * shows as \xhh.
 */
import type { Reply } from '../protocol/index.ts'

/** sdscatrepr: the quoted, escaped form of a byte string. */
export function escapeBulk(bytes: string): string {
  let out = '"'
  for (let i = 0; i < bytes.length; i++) {
    const code = bytes.charCodeAt(i)
    const char = bytes[i]!
    if (char === '\\' || char === '"') out += '\\' + char
    else if (char === '\n') out += '\\n'
    else if (char === '\r') out += '\\r'
    else if (char === '\t') out += '\\t'
    else if (code === 0x07) out += '\\a'
    else if (code === 0x08) out += '\\b'
    else if (code >= 0x20 && code <= 0x7e) out += char
    else out += '\\x' + code.toString(16).padStart(2, '0')
  }
  return out + '"'
}

const isAggregate = (reply: Reply): reply is Extract<Reply, { a: Reply[] }> =>
  reply.t === 'arr' || reply.t === 'set' || reply.t === 'push' || reply.t === 'map'

/** cliIsMultilineValueTTY: whether a map value goes on the lines after its key. */
function isMultiline(reply: Reply): boolean {
  if (!isAggregate(reply)) return false
  if (reply.t === 'map') {
    if (reply.a.length === 0) return false
    if (reply.a.length > 2) return true
    return isMultiline(reply.a[1]!)
  }
  if (reply.a.length === 0) return false
  if (reply.a.length > 1) return true
  return isMultiline(reply.a[0]!)
}

const EMPTY: Record<string, string> = { arr: '(empty array)', push: '(empty push)', map: '(empty hash)', set: '(empty set)' }
const SEPARATOR: Record<string, string> = { arr: ')', push: ')', map: '#', set: '~' }

function format(reply: Reply, prefix: string): string {
  switch (reply.t) {
    case 'str':
      return reply.s + '\n'
    case 'bulk':
      return escapeBulk(reply.s) + '\n'
    case 'int':
      return `(integer) ${reply.n}\n`
    case 'nil':
      return '(nil)\n'
    case 'err':
      return `(error) ${reply.s}\n`
    case 'double':
      return `(double) ${reply.s}\n`
    case 'bool':
      return reply.b ? '(true)\n' : '(false)\n'
    case 'verb':
      return reply.s + '\n'
    case 'big':
      // valkey-cli cannot print RESP3 big numbers (it exits); this is our own label.
      return `(big number) ${reply.n}\n`
    case 'arr':
    case 'set':
    case 'push':
    case 'map':
      return formatAggregate(reply, prefix)
  }
}

function formatAggregate(reply: Extract<Reply, { a: Reply[] }>, prefix: string): string {
  if (reply.a.length === 0) return EMPTY[reply.t]! + '\n'
  const isMap = reply.t === 'map'
  const count = isMap ? reply.a.length / 2 : reply.a.length
  const width = String(count).length
  const childPrefix = prefix + ' '.repeat(width + 2)
  let out = ''
  for (let i = 0; i < count; i++) {
    out += (i === 0 ? '' : prefix) + String(i + 1).padStart(width, ' ') + SEPARATOR[reply.t] + ' '
    if (isMap) {
      const key = format(reply.a[i * 2]!, childPrefix)
      const value = reply.a[i * 2 + 1]!
      out += key.slice(0, -1) + ' => '
      if (isMultiline(value)) out += '\n' + childPrefix
      out += format(value, childPrefix)
    } else {
      out += format(reply.a[i]!, childPrefix)
    }
  }
  return out
}

export function formatReply(reply: Reply): string {
  return format(reply, '')
}

/** Commands whose reply valkey-cli writes raw even at a terminal (cliSendCommand's output_raw). */
export function isRawOutputCommand(args: readonly string[]): boolean {
  const lower = args.map((arg) => arg.toLowerCase())
  const [name = '', sub = ''] = lower
  const count = args.length
  if (name === 'info' || name === 'lolwut') return true
  if (name === 'debug' && ['htstats', 'htstats-key', 'client-eviction'].includes(sub)) return true
  if (name === 'memory' && ['malloc-stats', 'doctor'].includes(sub)) return true
  if (name === 'cluster' && ['nodes', 'info'].includes(sub) && count === 2) return true
  if (name === 'client' && ['list', 'info'].includes(sub)) return true
  if (name === 'latency' && ((sub === 'graph' && count === 3) || (sub === 'doctor' && count === 2))) return true
  if (name === 'proxy' && sub === 'info') return true
  return false
}

/** What valkey-cli writes for a raw-output command: strings as they are, no newline added. */
export function formatRawReply(reply: Reply): string {
  if (reply.t === 'bulk' || reply.t === 'str' || reply.t === 'verb') return reply.s
  return formatReply(reply)
}
