/**
 * @module valkey-cli's help table, parsed from the live server's COMMAND DOCS.
 *
 * valkey-cli keeps one help entry per command and per subcommand ("HSET",
 * "CLIENT KILL"), sorted by full name. Hints, `help` and Tab completion in
 * the page all read this table, so a Valkey 9 server brings the hints of
 * its new commands with it.
 */
import type { ArgType, HelpArg, HelpEntry, Reply } from '../../../common/protocol/index.ts'

const ARG_TYPES = new Set<string>(['string', 'integer', 'double', 'key', 'pattern', 'unix-time', 'pure-token', 'oneof', 'block'])

const text = (reply: Reply | undefined): string | null =>
  reply && (reply.t === 'bulk' || reply.t === 'str' || reply.t === 'verb') ? reply.s : null

const items = (reply: Reply | undefined): Reply[] => (reply && (reply.t === 'arr' || reply.t === 'map' || reply.t === 'set') ? reply.a : [])

/** Walks a RESP2 flat key/value array (or a RESP3 map) as pairs. */
function* pairs(reply: Reply | undefined): Generator<[string, Reply]> {
  const list = items(reply)
  for (let i = 0; i + 1 < list.length; i += 2) {
    const key = text(list[i])
    if (key !== null) yield [key, list[i + 1]!]
  }
}

function parseArg(reply: Reply): HelpArg {
  const arg: HelpArg = { name: '', type: 'unknown' }
  for (const [key, value] of pairs(reply)) {
    if (key === 'name') arg.name = text(value) ?? ''
    else if (key === 'display_text') arg.displayText = text(value) ?? ''
    else if (key === 'token') arg.token = text(value) ?? ''
    else if (key === 'type') {
      const type = text(value) ?? ''
      arg.type = ARG_TYPES.has(type) ? (type as ArgType) : 'unknown'
    } else if (key === 'arguments') arg.args = items(value).map(parseArg)
    else if (key === 'flags') {
      for (const flag of items(value).map(text)) {
        if (flag === 'optional') arg.optional = true
        else if (flag === 'multiple') arg.multiple = true
        else if (flag === 'multiple_token') arg.multipleToken = true
      }
    }
  }
  return arg
}

function parseEntry(words: string[], docs: Reply, into: HelpEntry[]): void {
  const entry: HelpEntry = { words, summary: null, since: null, group: null, args: null }
  into.push(entry)
  for (const [key, value] of pairs(docs)) {
    if (key === 'summary') entry.summary = text(value)
    else if (key === 'since') entry.since = text(value)
    else if (key === 'group') entry.group = text(value)
    else if (key === 'arguments') entry.args = items(value).map(parseArg)
    else if (key === 'subcommands') {
      for (const [subName, subDocs] of pairs(value)) {
        // Subcommands are named "client|kill"; valkey-cli keeps the part after the pipe.
        const sub = subName.includes('|') ? subName.slice(subName.indexOf('|') + 1) : subName
        parseEntry([words[0]!, sub.toUpperCase()], subDocs, into)
      }
    }
  }
}

/** Byte order, like C's strcmp on the names (names are ASCII). */
const compareNames = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Parses a COMMAND DOCS reply into help entries sorted like valkey-cli's table. */
export function parseCommandDocs(reply: Reply): HelpEntry[] {
  const entries: HelpEntry[] = []
  for (const [name, docs] of pairs(reply)) parseEntry([name.toUpperCase()], docs, entries)
  return entries.sort((a, b) => compareNames(a.words.join(' '), b.words.join(' ')))
}
