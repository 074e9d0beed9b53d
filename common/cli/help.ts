/**
 * @module valkey-cli's `help`, `help <command>` and `help @<group>`, byte for byte.
 *
 * The layout, colours and \r\n line ends are valkey-cli's own (its interactive
 * help), including its quirks: a command
 * without arguments shows "(null)" as its syntax (C's printf of a NULL
 * string), a deprecation is not mentioned, and no match prints a bare \r\n.
 */
import type { HelpEntry } from '../protocol/index.ts'
import { asciiLower, describeArgs } from './hints.ts'

/** What `help` alone prints; valkey-cli shows its own version, which here is the server's. */
export function genericHelp(version: string): string {
  return [
    `valkey-cli ${version}`,
    'To get help about Valkey commands type:',
    '      "help @<group>" to get a list of commands in <group>',
    '      "help <command>" for help on <command>',
    '      "help <tab>" to get a list of possible help topics',
    '      "quit" to exit',
    '',
    'To set valkey-cli preferences:',
    '      ":set hints" enable online hints',
    '      ":set nohints" disable online hints',
    'Set your preferences in ~/.valkeyclirc',
    '',
  ].join('\n')
}

const orNull = (value: string | null) => value ?? '(null)'

function entryHelp(entry: HelpEntry, withGroup: boolean): string {
  let text = `\r\n  \x1b[1m${entry.words.join(' ')}\x1b[0m \x1b[90m${orNull(describeArgs(entry))}\x1b[0m\r\n`
  text += `  \x1b[33msummary:\x1b[0m ${orNull(entry.summary)}\r\n`
  if (entry.since !== null) text += `  \x1b[33msince:\x1b[0m ${entry.since}\r\n`
  if (withGroup) text += `  \x1b[33mgroup:\x1b[0m ${orNull(entry.group)}\r\n`
  return text
}

/**
 * The output of `help <topic...>`; `topic` is what follows the word help.
 * `entries` must be sorted by full name (parseCommandDocs does that).
 */
export function helpText(entries: readonly HelpEntry[], topic: readonly string[], version: string): string {
  if (topic.length === 0) return genericHelp(version)
  let text = ''
  const first = topic[0]!
  if (first.startsWith('@')) {
    const group = asciiLower(first.slice(1))
    for (const entry of entries) {
      if (entry.group !== null && asciiLower(entry.group) === group) text += entryHelp(entry, false)
    }
  } else {
    // Every entry whose first words are the topic: `help client` lists CLIENT and its subcommands.
    for (const entry of entries) {
      if (topic.length > entry.words.length) continue
      if (topic.every((word, i) => asciiLower(word) === asciiLower(entry.words[i]!))) text += entryHelp(entry, true)
    }
  }
  return text + '\r\n'
}
