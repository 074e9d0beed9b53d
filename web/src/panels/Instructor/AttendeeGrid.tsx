/**
 * @module The room, a row per attendee: name, connected, mission and step, steps done, time on
 * the step, recent errors, stuck, and Watch and Reset in a column of their own. Sort, filter and a
 * name search above it.
 *
 * A grid of rows rather than a table: each row lays itself out alone (`contain`), and rows off
 * screen are skipped by the browser (`content-visibility: auto`) while staying in the DOM, so a
 * room of 500 whose rows change every second costs the rows on screen only, and a test finds every
 * row by `attendee-row`. Rows are memoized on the row object (replaced whole by each change), and
 * the time on the step is a cell that ticks by itself, so a change to one attendee re-renders one
 * row, and the clock writes only the time cells' text (stepClock.ts). Below a width (the watch pane open, a small window) a
 * row shows its step before its mission and puts its stuck reason on a second line, so nothing
 * that matters is cut.
 */
import { memo, useEffect, useRef } from 'react'
import type { AttendeeRow } from '../../../../common/protocol/index.ts'
import { ConfirmButton } from '../../shared/ConfirmButton.tsx'
import { registerStepClock } from './stepClock.ts'
import { displayName, doneCount, secondsOnStep, stuckText, type FilterKey, type MissionSteps, type SortKey } from './roomStore.ts'

export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—'
  const minutes = Math.floor(seconds / 60)
  return minutes === 0
    ? `${seconds}s`
    : minutes < 60
      ? `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`
      : `${Math.floor(minutes / 60)}h ${minutes % 60}m`
}

type GridProps = {
  rows: AttendeeRow[]
  total: number
  missions: MissionSteps
  titles: ReadonlyMap<string, string>
  /** Server clock minus page clock. */
  clockOffset: number
  sort: SortKey
  filter: FilterKey
  search: string
  watching: string | null
  onSort(sort: SortKey): void
  onFilter(filter: FilterKey): void
  onSearch(search: string): void
  onWatch(id: string): void
  onReset(id: string): void
  onClearHelp(id: string): void
}

export const AttendeeGrid = memo(function AttendeeGrid({
  rows,
  total,
  missions,
  titles,
  clockOffset,
  sort,
  filter,
  search,
  watching,
  onSort,
  onFilter,
  onSearch,
  onWatch,
  onReset,
  onClearHelp,
}: GridProps) {
  return (
    <section className="attendee-grid" data-testid="attendee-grid" aria-label="Attendees">
      <div className="grid-tools">
        <input
          type="search"
          value={search}
          placeholder="Find by name"
          aria-label="Find attendees by name"
          data-testid="room-search"
          onChange={(event) => onSearch(event.target.value)}
        />
        <label>
          Sort{' '}
          <select value={sort} data-testid="grid-sort" onChange={(event) => onSort(event.target.value as SortKey)}>
            <option value="joined">as they joined</option>
            <option value="stuck">stuck first</option>
            <option value="time">longest on a step</option>
            <option value="progress">least progress</option>
            <option value="name">name</option>
          </select>
        </label>
        <label>
          Show{' '}
          <select value={filter} data-testid="grid-filter" onChange={(event) => onFilter(event.target.value as FilterKey)}>
            <option value="all">everyone</option>
            <option value="stuck">stuck only</option>
            <option value="connected">connected only</option>
          </select>
        </label>
        <span className="muted" data-testid="grid-count" aria-live="polite">
          {rows.length} of {total} attendee{total === 1 ? '' : 's'}
        </span>
      </div>
      {total === 0 ? (
        <p className="muted">Nobody has joined yet. Attendees appear here as soon as they open the playground.</p>
      ) : (
        <div className="grid-scroll" data-testid="grid-scroll" role="table" aria-label="Attendees" aria-rowcount={rows.length + 1}>
          <div role="rowgroup" className="grid-head">
            <div role="row" className="grid-row">
              <span role="columnheader" className="c-name">
                Attendee
              </span>
              <span role="columnheader" className="c-where">
                <span className="wide-only">Mission · step</span>
                <span className="narrow-only">Step · mission</span>
              </span>
              <span role="columnheader" className="c-done">
                Done
              </span>
              <span role="columnheader" className="c-time">
                On step
              </span>
              <span role="columnheader" className="c-errors" title="Error replies in the last 5 minutes">
                Errors
              </span>
              <span role="columnheader" className="c-stuck">
                Stuck
              </span>
              <span role="columnheader" className="c-actions">
                <span className="sr-only">Actions</span>
              </span>
            </div>
          </div>
          <div role="rowgroup">
            {rows.length === 0 && (
              <p className="muted grid-none" data-testid="grid-none">
                {search.trim() ? `Nobody's name matches “${search.trim()}”.` : 'Nobody matches this filter.'}
              </p>
            )}
            {rows.map((row) => (
              <Row
                key={row.id}
                row={row}
                steps={row.mission ? missions.get(row.mission) : undefined}
                missionTitle={row.mission ? (titles.get(row.mission) ?? row.mission) : null}
                clockOffset={clockOffset}
                watched={watching === row.id}
                onWatch={onWatch}
                onReset={onReset}
                onClearHelp={onClearHelp}
              />
            ))}
          </div>
        </div>
      )}
    </section>
  )
})

type RowProps = {
  row: AttendeeRow
  steps: readonly { id: string; title: string }[] | undefined
  missionTitle: string | null
  clockOffset: number
  watched: boolean
  onWatch(id: string): void
  onReset(id: string): void
  onClearHelp(id: string): void
}

const Row = memo(function Row({ row, steps, missionTitle, clockOffset, watched, onWatch, onReset, onClearHelp }: RowProps) {
  const name = displayName(row)
  const done = doneCount(row, row.mission)
  const total = steps?.length ?? 0
  const stepTitle = row.step ? (steps?.find((step) => step.id === row.step)?.title ?? row.step) : null
  const stuckReason = stuckText(row)
  const tabs = row.connected > 0 ? `connected (${row.connected} tab${row.connected === 1 ? '' : 's'})` : 'not connected'
  return (
    <div
      role="row"
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
              <span aria-hidden="true">✋</span> needs help
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
