/**
 * @module Inspect mode's gate (issue 14): which commands may run against someone's own server,
 * decided from that server's own command table (`COMMAND`), not from a list kept here.
 *
 * Read-only (the default) refuses a command when the server flags it `write` or `admin`, or files
 * it under `@scripting` without flagging it `readonly` (EVAL, FCALL, SCRIPT: a script may write;
 * EVAL_RO and FCALL_RO carry `readonly`, and the server keeps their scripts read-only). Subcommands are judged by their own
 * entry (`CONFIG|SET` is admin; `OBJECT|ENCODING` is readonly), except the read-only diagnostics
 * listed in diagnostics.ts (CONFIG GET, CLIENT LIST, SLOWLOG GET, ...), which the server flags admin
 * but which change nothing: those run. Commands
 * inside MULTI are judged one by one as they are sent, like any other.
 *
 * With writes allowed, the commands that can take a server down stay refused unless that too is
 * allowed: the ones the issue names (FLUSHALL, FLUSHDB, SHUTDOWN, DEBUG), and KEYS on a database
 * larger than `keysUpTo` (it blocks the server while it walks every key; SCAN does not).
 *
 * Limits: a command the table does not know is let through (the server answers it as unknown).
 * Publishing (PUBLISH, SPUBLISH) changes no stored data and is allowed.
 */
import { readOnlySiblings, readsOnly } from './diagnostics.ts'

export type CommandEntry = { flags: ReadonlySet<string>; categories: ReadonlySet<string> }
/** Lower-case names, subcommands as `parent|sub`. */
export type CommandTable = ReadonlyMap<string, CommandEntry>

export type GateMode = {
  /** `--write`: commands that change data or the server are allowed. */
  write: boolean
  /** The further flag: FLUSHALL, FLUSHDB, SHUTDOWN, DEBUG and KEYS on a large database too. */
  dangerous: boolean
  /** KEYS is refused (without `dangerous`) on a database with more keys than this. */
  keysUpTo: number
}

/** Named by the issue: each can empty or stop the server in one line. */
const TAKES_DOWN = new Set(['flushall', 'flushdb', 'shutdown', 'debug'])

const text = (value: unknown): string | null => (typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : null)

const words = (value: unknown): string[] => (Array.isArray(value) ? value.map(text).filter((word): word is string => word !== null) : [])

/** Reads the reply of `COMMAND` (or `COMMAND INFO ...`): one entry per command and subcommand. */
export function parseCommandTable(reply: unknown): CommandTable {
  const table = new Map<string, CommandEntry>()
  const read = (entries: unknown) => {
    if (!Array.isArray(entries)) return
    for (const entry of entries) {
      if (!Array.isArray(entry)) continue
      const name = text(entry[0])?.toLowerCase()
      if (!name) continue
      table.set(name, {
        flags: new Set(words(entry[2]).map((flag) => flag.toLowerCase())),
        categories: new Set(words(entry[6]).map((c) => c.toLowerCase())),
      })
      read(entry[9])
    }
  }
  read(reply)
  return table
}

/** The table entry a command line runs: its subcommand's when it has one. */
export function entryFor(table: CommandTable, args: readonly string[]): { name: string; entry: CommandEntry } | null {
  const name = args[0]?.toLowerCase()
  if (!name) return null
  const sub = args[1] === undefined ? undefined : `${name}|${args[1].toLowerCase()}`
  if (sub && table.has(sub)) return { name: sub, entry: table.get(sub)! }
  const entry = table.get(name)
  return entry ? { name, entry } : null
}

/** Why an administrative command is refused, naming it and its read-only siblings when it has any. */
function adminReason(name: string, shown: string): string {
  const siblings = readOnlySiblings(name.split('|')[0]!)
  return `${shown} changes or controls the server${siblings.length ? ` (allowed: ${siblings.join(', ')})` : ''}`
}

/** Whether KEYS needs the database's size before it is judged (the caller reads DBSIZE). */
export const needsDatabaseSize = (args: readonly string[], mode: GateMode) => !mode.dangerous && args[0]?.toLowerCase() === 'keys'

/**
 * Null when the command may run; otherwise the error text to answer it with. `keysInDb`: the
 * current database's size, when needsDatabaseSize said so.
 */
export function gate(table: CommandTable, args: readonly string[], mode: GateMode, keysInDb: number | null = null): string | null {
  const found = entryFor(table, args)
  if (!found) return null
  const { name, entry } = found
  const shown = name.replace('|', ' ').toUpperCase()
  if (!mode.write && !readsOnly(name, args)) {
    const why = entry.flags.has('write')
      ? 'it writes'
      : entry.flags.has('admin')
        ? adminReason(name, shown)
        : entry.categories.has('@scripting') && !entry.flags.has('readonly')
          ? 'a script may write (EVAL_RO and FCALL_RO run read-only)'
          : null
    if (why) return `ERR ${shown} is refused: this inspector is read-only and ${why}. Start it with --write to allow changes.`
  }
  if (mode.dangerous) return null
  const base = name.split('|')[0]!
  if (TAKES_DOWN.has(base)) {
    return `ERR ${shown} is refused even with --write: it can empty or stop the whole server. Start with --dangerous to allow it.`
  }
  if (base === 'keys' && keysInDb !== null && keysInDb > mode.keysUpTo) {
    return `ERR KEYS is refused on a database of ${keysInDb} keys: it blocks the server until it has read them all. Use SCAN 0 MATCH <pattern> COUNT 1000 instead.`
  }
  return null
}
