/**
 * @module For the room's mission, how many attendees have done each step: a bar per step, so
 * the instructor sees when most of the room is ready to move on.
 */
import type { AttendeeRow, MissionSummary } from '../../../../common/protocol/index.ts'
import { stepCounts } from './roomStore.ts'

type Props = {
  rows: readonly AttendeeRow[]
  missions: readonly MissionSummary[]
  mission: string | null
  onMission(mission: string): void
}

export function StepBars({ rows, missions, mission, onMission }: Props) {
  const summary = missions.find((each) => each.id === mission) ?? null
  const counts = summary ? stepCounts(rows, summary.id, summary.steps) : []
  const onIt = summary ? rows.filter((row) => row.mission === summary.id).length : 0
  return (
    <section className="step-bars" data-testid="step-bars" data-mission={summary?.id ?? ''} aria-label="Steps done by the room">
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
          <span className="muted">
            {onIt} of {rows.length} on it now
          </span>
        )}
      </div>
      {summary && (
        <ol>
          {summary.steps.map((step, index) => (
            <li key={step.id} data-testid="step-bar" data-step={step.id} data-count={counts[index]}>
              <span className="step-title" title={step.title}>
                {index + 1}. {step.title}
              </span>
              <span className="bar" aria-hidden="true">
                <span style={{ width: `${rows.length === 0 ? 0 : (100 * counts[index]!) / rows.length}%` }} />
              </span>
              <span className="count">{counts[index]}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  )
}
