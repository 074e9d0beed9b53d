/**
 * @module The lesson panel beside the terminal: the mission list, or the
 * mission named in the URL. Run and Set up go through the terminal (the
 * same TerminalBridge the inspector uses), so every command is seen, kept
 * in history and answered in place. Reset is done by the server, which
 * empties the sandbox before it forgets the progress, so no check can pass
 * again on the data that was there.
 */
import { useState } from 'react'
import type { MissionCommands } from '../../../../common/protocol/index.ts'
import { useConnection } from '../../connection/ConnectionContext.tsx'
import { utf8Bytes } from '../../../../common/cli/bytes.ts'
import type { InspectorBridge } from '../Inspector/InspectorBridge.ts'
import type { TerminalBridge } from '../Terminal/TerminalBridge.ts'
import { ConfirmDialog, type ConfirmRequest } from './ConfirmDialog.tsx'
import { MissionList } from './MissionList.tsx'
import { MissionView } from './MissionView.tsx'
import { TemplateText } from './TemplateText.tsx'
import { useMissions } from './useMissions.ts'
import './missions.css'

export type MissionsPanelProps = { bridge: TerminalBridge; inspector: InspectorBridge }

export function MissionsPanel({ bridge, inspector }: MissionsPanelProps) {
  const connection = useConnection()
  const { route, list, doc, progress, error } = useMissions()
  const [confirm, setConfirm] = useState<ConfirmRequest | null>(null)
  // A new mission instance (after Reset) starts with hints and solutions closed again.
  const [generation, setGeneration] = useState(0)

  /** Runs a block in the terminal; the key its step is about opens in the inspector. */
  const run = (lines: string[], key: string | null = null) => {
    lines.forEach((line) => bridge.run(line))
    if (key !== null) inspector.show(utf8Bytes(key))
  }

  const askSetup = (setup: MissionCommands) =>
    setConfirm({
      kind: 'setup',
      title: 'Set up this challenge?',
      body: (
        <>
          <p>
            These commands run in your terminal. Anything in your sandbox now may be replaced or deleted
            {setup.lines.some((line) => /^\s*flush(db|all)\b/i.test(line)) ? ' (FLUSHDB empties it)' : ''}:
          </p>
          <pre>
            <TemplateText text={setup.lines.join('\n')} />
          </pre>
        </>
      ),
      action: 'Set up',
      onConfirm: () => run(setup.lines),
    })

  const askReset = () => {
    if (!doc || !connection) return
    setConfirm({
      kind: 'reset',
      title: `Reset "${doc.title}"?`,
      body: (
        <p>
          This empties your sandbox (every key in it is deleted) and forgets your progress on this mission. Other missions keep their
          progress.
        </p>
      ),
      action: 'Reset mission',
      onConfirm: () => {
        connection.mission({ type: 'missionReset', id: doc.id })
        setGeneration((value) => value + 1)
      },
    })
  }

  let content
  if (error && (!route.mission || !doc))
    content = (
      <p className="unavailable" role="alert">
        {error}
      </p>
    )
  else if (!list) content = <p className="muted">Loading missions…</p>
  else if (!route.mission) content = <MissionList list={list} progress={progress} />
  else if (!doc) content = <p className="muted">Loading the mission…</p>
  else
    content = (
      <MissionView
        key={`${doc.id}#${generation}`}
        doc={doc}
        list={list}
        progress={progress}
        focusedStep={route.step}
        run={run}
        onSetup={askSetup}
        onReset={askReset}
      />
    )

  return (
    <div className="missions" onClick={(event) => handBackAfter(event.target, bridge)}>
      {content}
      <ConfirmDialog
        request={confirm}
        onClose={() => {
          setConfirm(null)
          handBack(bridge)
        }}
      />
    </div>
  )
}

/**
 * After a lesson action (Run, Copy, a hint, the solution, a link to a step or mission, the
 * dialog's answer), the keyboard goes back to the terminal: the lesson invites mixing Run with
 * typing, and a button that kept the focus would be pressed again by the next Space or Enter.
 * Controls marked data-keeps-focus keep it (those that open the dialog, which hands it back on
 * close, and the way to Set up);
 * links that open another tab are left alone. On touch screens nothing is focused: that would
 * pop up the on-screen keyboard after every tap.
 */
function handBackAfter(target: EventTarget, bridge: TerminalBridge): void {
  if (!(target instanceof Element)) return
  const control = target.closest('button, a')
  if (!control || control.closest('dialog') || control.matches('[data-keeps-focus], a[target="_blank"]')) return
  handBack(bridge)
}

function handBack(bridge: TerminalBridge): void {
  if (window.matchMedia('(pointer: coarse)').matches) return
  // After the click has done its work (a link changes the route, a button re-renders).
  setTimeout(() => bridge.focus(), 0)
}
