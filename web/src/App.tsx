/**
 * @module Page layout: header with the connection state, and the panels.
 */
import { useProxySocket } from './hooks/useProxySocket.ts'
import { ConnectionBadge } from './panels/Header/ConnectionBadge.tsx'
import { TerminalPanel } from './panels/Terminal/TerminalPanel.tsx'

export function App() {
  const { connection, status } = useProxySocket()
  return (
    <div className="app">
      <header className="app-header">
        <h1>
          <span className="logo">Valkey</span> Hash Playground
        </h1>
        <ConnectionBadge status={status} />
      </header>
      <main className="app-main">
        <section className="panel terminal-panel" data-testid="terminal" aria-label="Terminal">
          <TerminalPanel connection={connection} />
        </section>
      </main>
    </div>
  )
}
