/**
 * @module The live inspector: keys on the left, the selected key on the
 * right, the keyspace event log below. Everything is pushed by the server
 * from keyspace notifications; nothing here polls.
 */
import { useEffect, useRef } from 'react'
import { useConnection } from '../../connection/ConnectionContext.tsx'
import type { TerminalBridge } from '../Terminal/TerminalBridge.ts'
import { EventLog } from './EventLog.tsx'
import type { InspectorBridge } from './InspectorBridge.ts'
import { InspectorBody } from './InspectorBody.tsx'
import { useInspector } from './useInspector.ts'
import './inspector.css'

export function InspectorPanel({
  bridge,
  lessonBridge,
  fieldTtl,
  readOnly = false,
  db = null,
}: {
  bridge: TerminalBridge
  lessonBridge: InspectorBridge
  fieldTtl: boolean
  /** Inspect mode without --write: no edit controls (the server would refuse their commands anyway). */
  readOnly?: boolean
  /** Inspect mode: the database to show (the terminal's); null in the playground. */
  db?: number | null
}) {
  const inspector = useInspector(useConnection())
  const { state } = inspector
  const { show, selectDb } = inspector
  useEffect(() => lessonBridge.attach(show), [lessonBridge, show])
  // The first database given is the one the server starts on (the URL's): nothing to switch. A
  // later change (a SELECT, a reconnect back to the URL's database) switches.
  const firstDb = useRef<number | null>(null)
  useEffect(() => {
    if (db === null) return
    if (firstDb.current === null) firstDb.current = db
    else selectDb(db)
  }, [db, selectDb])
  const run = readOnly ? null : (line: string) => bridge.run(line)
  return (
    <div className="inspector">
      <InspectorBody
        inspector={inspector}
        fieldTtl={fieldTtl}
        run={run}
        emptyText="Select a key to see its fields, TTLs, encoding and memory."
      />
      <EventLog events={state.events} />
    </div>
  )
}
