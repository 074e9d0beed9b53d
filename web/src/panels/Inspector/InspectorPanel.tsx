/**
 * @module The live inspector: keys on the left, the selected key on the
 * right, the keyspace event log below. Everything is pushed by the server
 * from keyspace notifications; nothing here polls.
 */
import { useEffect } from 'react'
import type { ProxyConnection } from '../../hooks/ProxyConnection.ts'
import type { TerminalBridge } from '../Terminal/TerminalBridge.ts'
import { EventLog } from './EventLog.tsx'
import type { InspectorBridge } from './InspectorBridge.ts'
import { KeyList } from './KeyList.tsx'
import { KeyView } from './KeyView.tsx'
import { useInspector } from './useInspector.ts'
import './inspector.css'

export function InspectorPanel({
  connection,
  bridge,
  lessonBridge,
  fieldTtl,
}: {
  connection: ProxyConnection | null
  bridge: TerminalBridge
  lessonBridge: InspectorBridge
  fieldTtl: boolean
}) {
  const inspector = useInspector(connection)
  const { state } = inspector
  const { show } = inspector
  useEffect(() => lessonBridge.attach(show), [lessonBridge, show])
  const run = (line: string) => bridge.run(line)
  return (
    <div className="inspector">
      <div className="inspector-body">
        <KeyList
          keys={state.keys}
          truncated={state.truncated}
          selected={state.selected}
          keyChangedAt={state.keyChangedAt}
          clockOffset={state.clockOffset}
          onSelect={inspector.select}
          onPattern={inspector.setPattern}
        />
        {state.view ? (
          <KeyView
            key={state.view.key}
            view={state.view}
            match={inspector.match}
            fieldTtl={fieldTtl}
            clockOffset={state.clockOffset}
            run={run}
            onMatch={inspector.setMatch}
            onMore={inspector.loadMore}
          />
        ) : (
          <div className="key-view empty" data-testid="key-view" data-exists="none">
            <p className="muted">{state.selected === null ? 'Select a key to see its fields, TTLs, encoding and memory.' : 'Loading…'}</p>
          </div>
        )}
      </div>
      <EventLog events={state.events} />
    </div>
  )
}
