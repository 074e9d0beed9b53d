/**
 * @module The room, a row per attendee: name, connected, mission and step, steps done, time on
 * the step, recent errors, stuck. Sort and filter above it; Watch and Reset on each row.
 *
 * Rows are memoized on the row object (replaced whole by each change), and the time on the step
 * is a cell that ticks by itself, so a change to one attendee re-renders one row, and the clock
 * only the time cells, not three hundred rows.
 */
import { memo } from 'react'
import type { AttendeeRow } from '../../../../common/protocol/index.ts'
import { ConfirmButton } from '../../shared/ConfirmButton.tsx'
import { useNow } from '../../shared/useNow.ts'
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
  watching: string | null
  onSort(sort: SortKey): void
  onFilter(filter: FilterKey): void
  onWatch(id: string): void
  onReset(id: string): void
  onClearHelp(id: string): void
}

export function AttendeeGrid({
  rows,
  total,
  missions,
  titles,
  clockOffset,
  sort,
  filter,
  watching,
  onSort,
  onFilter,
  onWatch,
  onReset,
  onClearHelp,
}: GridProps) {
  return (
    <section className="attendee-grid" data-testid="attendee-grid" aria-label="Attendees">
      <div className="grid-tools">
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
        <span className="muted" data-testid="grid-count">
          {rows.length} of {total} attendee{total === 1 ? '' : 's'}
        </span>
      </div>
      {total === 0 ? (
        <p className="muted">Nobody has joined yet. Attendees appear here as soon as they open the playground.</p>
      ) : (
        <table>
          <colgroup>
            <col className="name" />
            <col className="where" />
            <col className="done" />
            <col className="time" />
            <col className="errors" />
            <col className="actions" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Attendee</th>
              <th scope="col">Mission · step</th>
              <th scope="col">Done</th>
              <th scope="col">On step</th>
              <th scope="col" title="Error replies in the last 5 minutes">
                Errors
              </th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
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
          </tbody>
        </table>
      )}
    </section>
  )
}

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
  return (
    <tr
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
      className={`${row.stuck ? 'stuck' : ''}${row.connected === 0 ? ' gone' : ''}${watched ? ' watched' : ''}`}
    >
      <th scope="row">
        <span
          className={`dot ${row.connected > 0 ? 'on' : 'off'}`}
          title={row.connected > 0 ? `connected (${row.connected} tab${row.connected === 1 ? '' : 's'})` : 'not connected'}
        />
        {/* Before the name: a long name is cut at its end, never the flag. */}
        {row.help !== null && (
          <span className="help-flag" data-testid="help-flag">
            <span aria-hidden="true">✋</span> help
            <button type="button" data-testid="help-clear" aria-label={`Lower ${name}'s help flag`} onClick={() => onClearHelp(row.id)}>
              Done
            </button>
          </span>
        )}{' '}
        {name}
        {row.connected > 1 && (
          <span className="muted tab-count" data-testid="tab-count">
            {' '}
            · {row.connected} tabs
          </span>
        )}
        {row.connected === 0 && <span className="muted"> (away)</span>}
      </th>
      <td>
        {missionTitle === null ? (
          <span className="muted">choosing a mission</span>
        ) : (
          <>
            {missionTitle}
            <span className="muted"> · {stepTitle ?? 'finished'}</span>
          </>
        )}
      </td>
      <td>
        {missionTitle !== null && (
          <span className="done-count">
            <meter min={0} max={total || 1} value={done} aria-label={`${done} of ${total} steps done`} />
            {done}/{total}
          </span>
        )}
      </td>
      <td>
        <TimeOnStep row={row} clockOffset={clockOffset} />
      </td>
      <td>{row.errors}</td>
      <td className="row-actions">
        {stuckReason && (
          <span className="stuck-flag" data-testid="stuck-flag" data-reason={row.stuck}>
            stuck: {stuckReason}
          </span>
        )}
        <button type="button" data-testid="attendee-watch" aria-pressed={watched} onClick={() => onWatch(row.id)}>
          {watched ? 'Watching' : 'Watch'}
        </button>
        <ConfirmButton
          label="Reset sandbox"
          question={`Reset ${name}'s sandbox? This deletes their keys and starts their missions over.`}
          testId="attendee-reset"
          onConfirm={() => onReset(row.id)}
        />
      </td>
    </tr>
  )
})

function TimeOnStep({ row, clockOffset }: { row: AttendeeRow; clockOffset: number }) {
  const now = useNow(1000) + clockOffset
  return <>{formatDuration(secondsOnStep(row, now))}</>
}
