/**
 * @module For the room's mission, how many of the attendees the grid shows have done each step (a
 * bar per step, so the instructor sees when most of the room is ready to move on), and under each
 * step the error reply most of those on it got last ("7 attendees: ERR wrong number of arguments").
 */
import type { AttendeeRow, MissionSummary } from '../../../../common/protocol/index.ts'
import { commonErrors, stepCounts } from './roomStore.ts'
import './roomSignals.css'

type Props = {
  /** The rows the grid shows (its filter applied): the bars count over them. */
  rows: readonly AttendeeRow[]
  missions: readonly MissionSummary[]
  mission: string | null
  onMission(mission: string): void
}

export function StepBars({ rows, missions, mission, onMission }: Props) {
  const summary = missions.find((each) => each.id === mission) ?? null
  const counts = summary ? stepCounts(rows, summary.id, summary.steps) : []
  const errors = summary ? commonErrors(rows, summary.id, summary.steps) : []
  const onIt = summary ? rows.filter((row) => row.mission === summary.id).length : 0
  return (
    <section
      className="step-bars"
      data-testid="step-bars"
      data-mission={summary?.id ?? ''}
      data-shown={rows.length}
      aria-label="Steps done by the room"
    >
      <div className="step-bars-side">
        <div className="grid-tools">
          <label>
            Room mission{' '}
            <select value={summary?.id ?? ''} data-testid="room-mission" onChange={(event) => onMission(event.target.value)}>
              {summary === null && <option value="">(none open yet)</option>}
              {missions.map((each) => (
                <option key={each.id} value={each.id}>
                  {each.title}
                </option>
              ))}
            </select>
          </label>
          {summary && (
            <span className="muted" data-testid="step-bars-on-it">
              {onIt} of the {rows.length} shown {onIt === 1 ? 'has' : 'have'} it open
            </span>
          )}
        </div>
        {/* Beside the mission, not under each bar: the bars stay one line each, so the grid keeps its rows. */}
        {summary && errors.some((error) => error !== null) && (
          <ul className="step-errors" aria-label="Most common error per step">
            {summary.steps.map((step, index) => {
              const error = errors[index]
              if (!error) return null
              return (
                <li
                  key={step.id}
                  className="step-error"
                  data-testid="step-common-error"
                  data-step={step.id}
                  data-count={error.count}
                  title={`The error reply most attendees on step ${index + 1} got last: ${error.text}`}
                >
                  <span className="step-error-step">{index + 1}.</span> {error.count} attendee{error.count === 1 ? '' : 's'}:{' '}
                  <code>{error.text}</code>
                </li>
              )
            })}
          </ul>
        )}
      </div>
      {summary && (
        <ol>
          {summary.steps.map((step, index) => {
            return (
              <li key={step.id} data-testid="step-bar" data-step={step.id} data-count={counts[index]}>
                <span className="step-title" title={step.title}>
                  {index + 1}. {step.title}
                </span>
                <span className="bar" aria-hidden="true">
                  <span style={{ width: `${rows.length === 0 ? 0 : (100 * counts[index]!) / rows.length}%` }} />
                </span>
                <span className="count">{counts[index]}</span>
              </li>
            )
          })}
        </ol>
      )}
    </section>
  )
}
