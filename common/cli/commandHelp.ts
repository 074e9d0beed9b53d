/**
 * @module The terminal's hints, help and completion for one server, from its COMMAND DOCS.
 */
import type { CommandDocsPayload } from '../protocol/index.ts'
import { CompletionTopics } from './completion.ts'
import { helpText } from './help.ts'
import { displayedHint } from './hints.ts'
import type { CommandHelp } from './Repl.ts'
import { quoteRulesFor } from './splitArgs.ts'

export function createCommandHelp(docs: CommandDocsPayload): CommandHelp {
  const rules = quoteRulesFor(docs.valkeyVersion)
  const topics = new CompletionTopics(docs.entries)
  return {
    hint: (line) => displayedHint(docs.entries, line, rules),
    completions: (line) => topics.candidates(line),
    help: (args) => helpText(docs.entries, args.slice(1), docs.cliVersion),
  }
}
