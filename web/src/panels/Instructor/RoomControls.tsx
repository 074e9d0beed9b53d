/**
 * @module The instructor's room-wide controls: when someone counts as stuck (labelled inputs
 * holding the rules in force, and why a value cannot be applied), and a broadcast (a one-line
 * announcement, optionally pointing everyone at a mission step), with the one showing and a way
 * to withdraw it.
 */
import { useEffect, useState } from 'react'
import { LIMITS, STUCK_LIMITS, type Announcement, type MissionSummary, type StuckRules } from '../../../../common/protocol/index.ts'
import { useInstructorConnection } from './InstructorConnectionContext.tsx'

/** Why a rule value cannot be applied, in words (null: it can). */
export function ruleProblem(text: string, what: string, [min, max]: readonly [number, number]): string | null {
  const value = Number(text)
  if (text.trim() === '' || !Number.isInteger(value)) return `${what} must be a whole number`
  if (value < min || value > max) return `${what} must be from ${min} to ${max}`
  return null
}

export function StuckRulesForm({ rules }: { rules: StuckRules | null }) {
  const connection = useInstructorConnection()
  // The inputs hold the rules in force (not placeholders), edited in place; null: not edited.
  const [seconds, setSeconds] = useState<string | null>(null)
  const [errors, setErrors] = useState<string | null>(null)
  const secondsText = seconds ?? String(rules?.afterSeconds ?? '')
  const errorsText = errors ?? String(rules?.errors ?? '')
  const problem = ruleProblem(secondsText, 'Seconds', STUCK_LIMITS.afterSeconds) ?? ruleProblem(errorsText, 'Errors', STUCK_LIMITS.errors)
  const changed = Number(secondsText) !== rules?.afterSeconds || Number(errorsText) !== rules?.errors
  return (
    <form
      className="stuck-rules"
      data-testid="stuck-rules"
      data-after-seconds={rules?.afterSeconds}
      data-errors={rules?.errors}
      onSubmit={(event) => {
        event.preventDefault()
        if (problem !== null || !changed) return
        connection.setRules({ afterSeconds: Number(secondsText), errors: Number(errorsText) })
        setSeconds(null)
        setErrors(null)
      }}
    >
      <span>Stuck after</span>
      <label>
        <input
          inputMode="numeric"
          size={5}
          value={secondsText}
          aria-invalid={ruleProblem(secondsText, 'Seconds', STUCK_LIMITS.afterSeconds) !== null}
          aria-describedby="stuck-rules-problem"
          data-testid="stuck-seconds"
          onChange={(event) => setSeconds(event.target.value)}
        />{' '}
        s on one step
      </label>
      <span>or</span>
      <label>
        <input
          inputMode="numeric"
          size={3}
          value={errorsText}
          aria-invalid={ruleProblem(errorsText, 'Errors', STUCK_LIMITS.errors) !== null}
          aria-describedby="stuck-rules-problem"
          data-testid="stuck-errors"
          onChange={(event) => setErrors(event.target.value)}
        />{' '}
        errors on it
      </label>
      <button type="submit" data-testid="stuck-apply" disabled={problem !== null || !changed}>
        Apply
      </button>
      <span id="stuck-rules-problem" className="error" data-testid="stuck-rules-problem" role="status">
        {rules && problem}
      </span>
    </form>
  )
}

export function BroadcastForm({ missions, current }: { missions: readonly MissionSummary[]; current: Announcement | null }) {
  const connection = useInstructorConnection()
  const [text, setText] = useState('')
  const [target, setTarget] = useState('')
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null)
  useEffect(
    () =>
      connection.on('room', (message) => {
        if (message.type !== 'instructorDone') return
        if (message.action === 'broadcast' || message.action === 'withdrawAnnouncement') setResult({ ok: message.ok, text: message.text })
      }),
    [connection]
  )
  const [mission = null, step = null] = target === '' ? [] : target.split('/')
  return (
    <form
      className="broadcast"
      data-testid="broadcast"
      onSubmit={(event) => {
        event.preventDefault()
        if (text.trim() === '' && mission === null) return
        if (connection.broadcast(text.trim(), mission, step)) setText('')
        else setResult({ ok: false, text: 'not connected' })
      }}
    >
      <input
        value={text}
        maxLength={LIMITS.maxAnnouncement}
        placeholder="Announcement to everyone (one line)"
        aria-label="Announcement"
        data-testid="broadcast-text"
        onChange={(event) => setText(event.target.value)}
      />
      <select
        value={target}
        aria-label="Point everyone at"
        data-testid="broadcast-step"
        onChange={(event) => setTarget(event.target.value)}
      >
        <option value="">no link</option>
        {missions.map((each) => (
          <optgroup key={each.id} label={each.title}>
            <option value={each.id}>{each.title}: the mission</option>
            {each.steps.map((item, index) => (
              <option key={item.id} value={`${each.id}/${item.id}`}>
                {index + 1}. {item.title}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      <button type="submit" data-testid="broadcast-send" disabled={text.trim() === '' && mission === null}>
        Broadcast
      </button>
      {result && (
        <span className={result.ok ? 'muted' : 'error'} data-testid="broadcast-result">
          {result.ok ? `${result.text[0]!.toUpperCase()}${result.text.slice(1)}.` : result.text}
        </span>
      )}
      {current && !current.withdrawn && (
        <span className="broadcast-current" data-testid="broadcast-current" data-id={current.id}>
          <span className="muted">Showing:</span> <q>{current.text || (current.step ? 'Go to that step' : 'Open that mission')}</q>
          <button
            type="button"
            data-testid="broadcast-withdraw"
            title="Hide it on every attendee's page, including anyone who joins later"
            onClick={() => {
              if (!connection.withdrawAnnouncement()) setResult({ ok: false, text: 'not connected' })
            }}
          >
            Withdraw
          </button>
        </span>
      )}
    </form>
  )
}
