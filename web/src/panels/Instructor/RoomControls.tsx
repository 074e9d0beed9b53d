/**
 * @module The instructor's room-wide controls: when someone counts as stuck, and a broadcast
 * (a one-line announcement, optionally pointing everyone at a mission step).
 */
import { useEffect, useState } from 'react'
import { LIMITS, STUCK_LIMITS, type MissionSummary, type StuckRules } from '../../../../common/protocol/index.ts'
import { useInstructorConnection } from './InstructorConnectionContext.tsx'

export function StuckRulesForm({ rules }: { rules: StuckRules | null }) {
  const connection = useInstructorConnection()
  const [seconds, setSeconds] = useState('')
  const [errors, setErrors] = useState('')
  const after = Number(seconds || rules?.afterSeconds)
  const count = Number(errors || rules?.errors)
  const valid =
    Number.isInteger(after) &&
    after >= STUCK_LIMITS.afterSeconds[0] &&
    after <= STUCK_LIMITS.afterSeconds[1] &&
    Number.isInteger(count) &&
    count >= STUCK_LIMITS.errors[0] &&
    count <= STUCK_LIMITS.errors[1]
  return (
    <form
      className="stuck-rules"
      data-testid="stuck-rules"
      data-after-seconds={rules?.afterSeconds}
      data-errors={rules?.errors}
      onSubmit={(event) => {
        event.preventDefault()
        if (!valid) return
        connection.setRules({ afterSeconds: after, errors: count })
        setSeconds('')
        setErrors('')
      }}
    >
      <span>Stuck after</span>
      <input
        inputMode="numeric"
        size={5}
        value={seconds}
        placeholder={String(rules?.afterSeconds ?? '')}
        aria-label="Seconds on one step"
        data-testid="stuck-seconds"
        onChange={(event) => setSeconds(event.target.value)}
      />
      <span>s on one step, or</span>
      <input
        inputMode="numeric"
        size={3}
        value={errors}
        placeholder={String(rules?.errors ?? '')}
        aria-label="Errors on one step"
        data-testid="stuck-errors"
        onChange={(event) => setErrors(event.target.value)}
      />
      <span>errors on it</span>
      <button type="submit" data-testid="stuck-apply" disabled={!valid || (seconds === '' && errors === '')}>
        Apply
      </button>
    </form>
  )
}

export function BroadcastForm({ missions }: { missions: readonly MissionSummary[] }) {
  const connection = useInstructorConnection()
  const [text, setText] = useState('')
  const [target, setTarget] = useState('')
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null)
  useEffect(
    () =>
      connection.on('room', (message) => {
        if (message.type === 'instructorDone' && message.action === 'broadcast') setResult({ ok: message.ok, text: message.text })
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
          {result.ok ? 'Sent.' : result.text}
        </span>
      )}
    </form>
  )
}
