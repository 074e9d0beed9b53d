/**
 * @module valkey-cli's Tab completion candidates (completionCallback).
 *
 * Candidates are the help topics whose full name starts with the whole line,
 * compared without case, and they are inserted in upper case: `client k`
 * completes to `CLIENT KILL`. After `help ` the groups (`@hash`) are topics
 * too and the typed `help ` prefix is kept. Only the whole line is completed:
 * `hset k ` + Tab offers nothing, as in valkey-cli.
 */
import type { HelpEntry } from '../protocol/index.ts'
import { asciiLower } from './hints.ts'

const SPACE = /[ \t\n\v\f\r]/
const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Sorted topics: command names, and with groups, everything `help <tab>` offers. */
export class CompletionTopics {
  readonly commands: string[]
  readonly all: string[]

  constructor(entries: readonly HelpEntry[]) {
    this.commands = entries.map((entry) => entry.words.join(' '))
    const groups = new Set<string>()
    for (const entry of entries) if (entry.group !== null) groups.add(`@${entry.group}`)
    // One table sorted by bytes, as valkey-cli sorts groups in with commands ('@' sorts first).
    this.all = [...this.commands, ...groups].sort(byBytes)
  }

  candidates(line: string): string[] {
    let start = 0
    let topics = this.commands
    if (asciiLower(line.slice(0, 5)) === 'help ') {
      start = 5
      while (start < line.length && SPACE.test(line[start]!)) start++
      topics = this.all
    }
    const prefix = line.slice(0, start)
    const typed = asciiLower(line.slice(start))
    return topics.filter((topic) => asciiLower(topic.slice(0, typed.length)) === typed).map((topic) => prefix + topic)
  }
}
