/**
 * @module Page layout: header with the connection state; the lesson on the
 * left, the terminal and the live inspector beside it (stacked on most
 * screens, three columns on very wide ones).
 */
import { useState } from 'react'
import { useProxySocket } from './hooks/useProxySocket.ts'
import { ConnectionBadge } from './panels/Header/ConnectionBadge.tsx'
import { LessonToggle, useLessonsHidden } from './panels/Header/LessonToggle.tsx'
import { InspectorBridge } from './panels/Inspector/InspectorBridge.ts'
import { InspectorPanel } from './panels/Inspector/InspectorPanel.tsx'
import { MissionsPanel } from './panels/Missions/MissionsPanel.tsx'
import { TerminalBridge } from './panels/Terminal/TerminalBridge.ts'
import { TerminalPanel } from './panels/Terminal/TerminalPanel.tsx'

export function App() {
  const { connection, status } = useProxySocket()
  const [bridge] = useState(() => new TerminalBridge())
  const [inspectorBridge] = useState(() => new InspectorBridge())
  const [lessonsHidden, setLessonsHidden] = useLessonsHidden()
  // Per-field TTLs exist only where the server has hash field expiration (Valkey 9).
  const fieldTtl = status.state === 'open' && status.server.features.hashFieldExpiration
  return (
    <div className="app">
      <header className="app-header">
        <h1>
          <span className="logo">Valkey</span> Hash Playground
        </h1>
        <div className="header-tools">
          <LessonToggle hidden={lessonsHidden} onChange={setLessonsHidden} />
          <ConnectionBadge status={status} />
        </div>
      </header>
      <main className={`app-main${lessonsHidden ? ' lessons-hidden' : ''}`}>
        {/* Hidden, not unmounted: the mission keeps its state and the server keeps checking. */}
        <section className="panel missions-panel" data-testid="mission" aria-label="Missions" hidden={lessonsHidden}>
          <MissionsPanel connection={connection} bridge={bridge} inspector={inspectorBridge} />
        </section>
        <section className="panel terminal-panel" data-testid="terminal" aria-label="Terminal">
          <TerminalPanel connection={connection} bridge={bridge} />
        </section>
        <section className="panel inspector-panel" data-testid="inspector" aria-label="Inspector">
          <InspectorPanel connection={connection} bridge={bridge} lessonBridge={inspectorBridge} fieldTtl={fieldTtl} />
        </section>
      </main>
    </div>
  )
}
