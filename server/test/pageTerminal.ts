/**
 * The page's own terminal pipeline, in Node: ProxyConnection over a real
 * WebSocket (the ws package's), LineRunner with the server's command docs, valkey-cli's quoting
 * rules for the server's version. What `output` returns is exactly what the
 * page's terminal prints for a line (without the prompt).
 */
import WebSocket from 'ws'
import type { CommandDocsPayload } from '../../common/protocol/index.ts'
import { createCommandHelp } from '../../common/cli/commandHelp.ts'
import { LineRunner } from '../../common/cli/LineRunner.ts'
import { quoteRulesFor } from '../../common/cli/splitArgs.ts'
import { ProxyConnection } from '../../common/connection/ProxyConnection.ts'
import { memoryStore, type TokenStore } from '../../common/connection/stores.ts'
import { eventually } from './helpers.ts'

export type PageTerminal = {
  connection: ProxyConnection
  runner: LineRunner
  /** Runs one line and resolves with what the terminal prints for it. */
  output(line: string): Promise<string>
  close(): void
}

/** A browser's localStorage stand-in: share one between connections to come back to the same sandbox. */
export function memoryTokenStore(): TokenStore {
  return memoryStore()
}

/** Opens a browser-like connection to the playground on `port` (a fresh sandbox unless `tokens` holds one). */
export async function openPageTerminal(
  port: number,
  valkeyVersion: string,
  tokens: TokenStore = memoryTokenStore()
): Promise<PageTerminal> {
  const connection = new ProxyConnection({ url: `ws://127.0.0.1:${port}/ws`, WebSocket, tokens, names: memoryStore() })
  connection.start()
  await eventually(() => (connection.status.state === 'open' ? true : undefined), 'playground connection')
  const docs = (await (await fetch(`http://127.0.0.1:${port}/api/command-docs`)).json()) as CommandDocsPayload
  const help = createCommandHelp(docs)
  // valkey-cli adds a `(N.NNs)` line after a command that took 500 ms or more, wall-clock. What this
  // is compared with never has one (valkey-cli reading a pipe, a mission's shown response), while a
  // busy machine can make any command that slow: so here the clock stands still. LineRunner's own
  // tests cover the timing line.
  const runner = new LineRunner({ transport: connection, help: (args) => help.help(args), now: () => 0 })
  runner.quoteRules = quoteRulesFor(valkeyVersion)
  return {
    connection,
    runner,
    output: (line) => runner.plan(line).output(),
    close: () => connection.stop(),
  }
}
