/**
 * @module Fetches the server's command docs as the page opens (in parallel
 * with the WebSocket) and gives the REPL its hints, help and Tab completion.
 *
 * Until they arrive (a few tens of kilobytes, compressed, cached by the
 * browser with an ETag) the terminal works without hints, as valkey-cli
 * does when COMMAND DOCS is unavailable. A failed fetch is tried again on
 * the next (re)connect, and so is a server that now reports another version.
 */
import type { CommandDocsPayload } from '../../../../common/protocol/index.ts'
import { createCommandHelp } from '../../../../common/cli/commandHelp.ts'
import type { Repl } from '../../../../common/cli/Repl.ts'
import type { ConnectionStatus, ProxyConnection } from '../../../../common/connection/ProxyConnection.ts'
import { COMMAND_DOCS_URL, takePrefetchedCommandDocs } from './commandDocsPrefetch.ts'
import { afterFirstDraw } from './promptMark.ts'

export function loadCommandHelp(repl: Repl, connection: ProxyConnection, url = COMMAND_DOCS_URL): () => void {
  let loadedFor: string | null = null
  let loading = false

  const load = async () => {
    loading = true
    try {
      const response = await (takePrefetchedCommandDocs(url) ?? fetch(url))
      if (!response.ok) return
      const docs = (await response.json()) as CommandDocsPayload
      repl.setHelp(createCommandHelp(docs))
      loadedFor = docs.valkeyVersion
    } catch {
      // Offline or server restarting: the next 'open' tries again.
    } finally {
      loading = false
    }
  }

  const onStatus = (status: ConnectionStatus) => {
    if (status.state !== 'open' || loading || loadedFor === status.server.valkeyVersion) return
    void load()
  }
  const remove = connection.on('status', onStatus)
  // Read once the first prompt is drawn: parsing the docs and redrawing with hints is not what the
  // attendee waits for first. (The request itself went out as the page started.)
  let removed = false
  void afterFirstDraw().then(() => {
    if (!removed && !loading && loadedFor === null) void load()
  })
  return () => {
    removed = true
    remove()
  }
}
