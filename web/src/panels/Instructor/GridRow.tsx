/**
 * @module One attendee's row of the grid (AttendeeGrid.tsx): name, connected, mission and step,
 * steps done, time on the step, recent errors, stuck or asking for help, and Watch and Reset.
 * Memoized on the row object (replaced whole by each change), so a change to one attendee renders
 * one row; the time on the step is written by the step clock, not by React (stepClock.ts).
 */
import { memo, useEffect, useRef } from 'react'
import type { AttendeeRow } from '../../../../common/protocol/index.ts'
import { ConfirmButton } from '../../shared/ConfirmButton.tsx'
import { registerStepClock } from './stepClock.ts'
import { displayName, doneCount, secondsOnStep, stuckText } from './roomStore.ts'

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—'
  const minutes = Math.floor(seconds / 60)
  return minutes === 0
    ? `${seconds}s`
    : minutes < 60
      ? `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`
      : `${Math.floor(minutes / 60)}h ${minutes % 60}m`
}

type RowProps = {
  row: AttendeeRow
  /** The row's place in the table for assistive technology (the header is 1), as only some rows are rendered. */
  rowIndex: number
  /** Ref that measures the row (useRowWindow.ts). */
  observe(element: HTMLElement | null): (() => void) | undefined
  steps: readonly { id: string; title: string }[] | undefined
  missionTitle: string | null
  clockOffset: number
  watched: boolean
  onWatch(id: string): void
  onReset(id: string): void
  onClearHelp(id: string): void
}

export const GridRow = memo(function GridRow({
  row,
  rowIndex,
  observe,
  steps,
  missionTitle,
  clockOffset,
  watched,
  onWatch,
  onReset,
  onClearHelp,
}: RowProps) {
  const name = displayName(row)
  const done = doneCount(row, row.mission)
  const total = steps?.length ?? 0
  const stepTitle = row.step ? (steps?.find((step) => step.id === row.step)?.title ?? row.step) : null
  const stuckReason = stuckText(row)
  const tabs = row.connected > 0 ? `connected (${row.connected} tab${row.connected === 1 ? '' : 's'})` : 'not connected'
  return (
    <div
      ref={observe}
      role="row"
      aria-rowindex={rowIndex}
      data-testid="attendee-row"
      data-attendee={row.id}
      data-name={name}
      data-connected={row.connected > 0 ? 'true' : 'false'}
      data-mission={row.mission ?? ''}
      data-step={row.step ?? ''}
      data-done={done}
      data-total={total}
      data-errors={row.errors}
      data-stuck={row.stuck !== null ? 'true' : 'false'}
      data-help={row.help !== null ? 'true' : 'false'}
      data-tabs={row.connected}
      data-watched={watched ? 'true' : 'false'}
      className={`grid-row attendee-row${row.stuck ? ' stuck' : ''}${row.connected === 0 ? ' gone' : ''}${watched ? ' watched' : ''}`}
    >
      <span role="rowheader" className="c-name" data-testid="row-name" title={`${name}: ${tabs}`}>
        <span className={`dot ${row.connected > 0 ? 'on' : 'off'}`} title={tabs} />
        <span className="name-text">{name}</span>
        {row.connected > 1 && (
          <span className="muted tab-count" data-testid="tab-count">
            {' '}
            · {row.connected} tabs
          </span>
        )}
        {row.connected === 0 && <span className="muted"> (away)</span>}
      </span>
      <span role="cell" className="c-where">
        {missionTitle === null ? (
          <span className="muted">choosing a mission</span>
        ) : (
          <>
            <span className="mission" title={missionTitle}>
              {missionTitle}
            </span>
            <span className="step" data-testid="attendee-step">
              {stepTitle ?? 'finished'}
            </span>
          </>
        )}
      </span>
      <span role="cell" className="c-done">
        {missionTitle !== null && (
          <>
            {/* A plain bar, not <meter>: 500 native meters cost a repaint each when a row changes. */}
            <span className="done-bar" aria-hidden="true">
              <span style={{ width: `${total === 0 ? 0 : (100 * done) / total}%` }} />
            </span>
            <span title={`${done} of ${total} steps done`}>
              {done}/{total}
            </span>
          </>
        )}
      </span>
      <span role="cell" className="c-time">
        <TimeOnStep row={row} clockOffset={clockOffset} />
      </span>
      <span role="cell" className="c-errors">
        {row.errors}
      </span>
      {/* Only when stuck or asking for help: in the two-line layout an empty cell would still open a second line. */}
      {stuckReason || row.help !== null ? (
        <span role="cell" className="c-stuck">
          {row.help !== null && (
            <span className="help-flag" data-testid="help-flag">
              <span className="help-icon" aria-hidden="true">
                ?
              </span>{' '}
              needs help
              <button type="button" data-testid="help-clear" aria-label={`Lower ${name}'s help flag`} onClick={() => onClearHelp(row.id)}>
                Done
              </button>
            </span>
          )}
          {stuckReason && (
            <span className="stuck-flag" data-testid="stuck-flag" data-reason={row.stuck}>
              stuck: {stuckReason}
            </span>
          )}
        </span>
      ) : (
        <span role="cell" className="c-stuck c-empty" />
      )}
      <span role="cell" className="c-actions row-actions">
        <button type="button" data-testid="attendee-watch" aria-pressed={watched} onClick={() => onWatch(row.id)}>
          {watched ? 'Watching' : 'Watch'}
        </button>
        <ConfirmButton
          label="Reset sandbox"
          question={`Reset ${name}'s sandbox? This deletes their keys and starts their missions over.`}
          testId="attendee-reset"
          onConfirm={() => onReset(row.id)}
        />
      </span>
    </div>
  )
})

/** Written by the step clock (stepClock.ts), not rendered by React every second. */
function TimeOnStep({ row, clockOffset }: { row: AttendeeRow; clockOffset: number }) {
  const cell = useRef<HTMLSpanElement>(null)
  useEffect(() => {
    if (!cell.current) return
    return registerStepClock(cell.current, (now) => formatDuration(secondsOnStep(row, now + clockOffset)))
  }, [row, clockOffset])
  return <span ref={cell} />
}
