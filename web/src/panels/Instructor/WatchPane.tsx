/**
 * @module Watching one attendee, read-only: their terminal as their page printed it, and an
 * inspector on their sandbox. There is no way to type into either: the terminal takes no input,
 * the inspector has no edit controls, and the server runs no commands from this socket. Closing
 * the pane (or watching someone else) stops the stream.
 */
import { useEffect, useRef, useState } from 'react'
import { Terminal } from '@xterm/xterm'
import '@xterm/xterm/css/xterm.css'
import type { AttendeeRow } from '../../../../common/protocol/index.ts'
import { byteArray } from '../../../../common/cli/bytes.ts'
import { playgroundApi } from '../../testing/playgroundApi.ts'
import { InspectorBody } from '../Inspector/InspectorBody.tsx'
import { useInspector } from '../Inspector/useInspector.ts'
import '../Inspector/inspector.css'
import { readLines } from '../Terminal/readLines.ts'
import { useInstructorConnection } from './InstructorConnectionContext.tsx'
import { displayName } from './roomStore.ts'

type Props = { attendee: string; row: AttendeeRow | undefined; fieldTtl: boolean; onClose(): void }

export function WatchPane({ attendee, row, fieldTtl, onClose }: Props) {
  const connection = useInstructorConnection()
  // Declared before the inspector's hook: its requests must reach the server after the watch.
  useEffect(() => {
    connection.watch(attendee)
    return () => connection.watch(null)
  }, [connection, attendee])
  const [screens, setScreens] = useState(0)
  const inspector = useInspector(connection)
  const { show } = inspector
  // Their own inspector's key, followed unless the instructor turns that off to look around.
  const [follow, setFollow] = useState(true)
  const [theirs, setTheirs] = useState<string | null>(null)
  useEffect(
    () =>
      connection.on('room', (message) => {
        if (message.type === 'watchViewing' && message.attendee === attendee) setTheirs(message.key)
      }),
    [connection, attendee]
  )
  useEffect(() => {
    if (follow && theirs !== null) show(theirs)
  }, [follow, theirs, show])

  return (
    <section className="watch-pane" data-testid="watch-pane" data-attendee={attendee} aria-label="Watching an attendee">
      <header>
        <h2>
          Watching {row ? displayName(row) : 'an attendee'}
          {row && row.connected === 0 && <span className="muted"> (not connected)</span>}
        </h2>
        <span className="muted">read-only</span>
        <label className="check-label">
          <input type="checkbox" checked={follow} data-testid="watch-follow" onChange={(event) => setFollow(event.target.checked)} />
          show the key they have open
        </label>
        <button type="button" data-testid="watch-close" onClick={onClose}>
          Close
        </button>
      </header>
      <div className="watch-body">
        <div className="watch-terminal-wrap">
          <WatchTerminal attendee={attendee} onScreen={() => setScreens((count) => count + 1)} />
          {screens === 0 && <p className="muted watch-waiting">Waiting for their terminal… (it appears once their page is open)</p>}
        </div>
        <div className="inspector watch-inspector" data-testid="watch-inspector">
          <InspectorBody inspector={inspector} fieldTtl={fieldTtl} run={null} emptyText="Select one of their keys to see it." />
        </div>
      </div>
    </section>
  )
}

function WatchTerminal({ attendee, onScreen }: { attendee: string; onScreen(): void }) {
  const connection = useInstructorConnection()
  const host = useRef<HTMLDivElement>(null)
  const screened = useRef(onScreen)
  useEffect(() => {
    screened.current = onScreen
  })

  useEffect(() => {
    const element = host.current
    if (!element) return
    const terminal = new Terminal({
      disableStdin: true,
      cursorBlink: false,
      fontFamily: '"JetBrains Mono", "Fira Code", Menlo, Consolas, "DejaVu Sans Mono", monospace',
      fontSize: 13,
      lineHeight: 1.2,
      scrollback: 5000,
      theme: { background: '#0d1117', foreground: '#e6edf3', cursor: '#58a6ff', selectionBackground: '#264f78' },
    })
    terminal.open(element)
    let undrawn = 0
    // xterm.js parses writes later, in its own queue, while reset() and resize() act at once: a
    // fresh whole screen that arrives while an earlier frame is still queued would be cleared
    // before that frame is drawn, and both would show. So every frame waits for the one before.
    let drawn: Promise<void> = Promise.resolve()
    let disposed = false
    const remove = connection.on('room', (message) => {
      if (message.type !== 'watchScreen' || message.attendee !== attendee) return
      undrawn++
      drawn = drawn.then(
        () =>
          new Promise<void>((resolve) => {
            if (disposed) return resolve()
            if (message.reset) terminal.reset()
            // As wide as theirs, so lines wrap where they wrap on their screen.
            if (message.cols !== terminal.cols || message.rows !== terminal.rows) terminal.resize(message.cols, message.rows)
            terminal.write(byteArray(message.data), () => {
              undrawn--
              resolve()
            })
          })
      )
      screened.current()
    })
    const api = playgroundApi()
    api.watch = { text: () => readLines(terminal).join('\n'), busy: () => undrawn > 0 }
    return () => {
      disposed = true
      delete api.watch
      remove()
      terminal.dispose()
    }
  }, [connection, attendee])

  return <div className="watch-terminal" data-testid="watch-terminal" ref={host} />
}
