/**
 * @module Whether what the page shows is live: pushed by keyspace notifications, or read again
 * every few seconds (how often, when last, and why), with the exact CONFIG SET line that would make
 * it live and a button that runs it after asking (the server may refuse; the page says so).
 */
import { useState } from 'react'
import { POLL_SECONDS, type LiveMessage } from '../../../../common/protocol/index.ts'
import { useNow } from '../../shared/useNow.ts'

type Props = {
  live: LiveMessage | null
  clockOffset: number
  onPollEvery: (seconds: number) => void
  onEnable: () => void
}

const CHOICES = [1, 2, 5, 10, 30].filter((seconds) => seconds >= POLL_SECONDS.min && seconds <= POLL_SECONDS.max)

export function LiveStatus({ live, clockOffset, onPollEvery, onEnable }: Props) {
  const now = useNow()
  const [asking, setAsking] = useState(false)
  if (!live) return null
  if (live.mode === 'notifications') {
    return (
      <span
        className="live-status badge badge-ok"
        data-testid="live-status"
        data-mode="notifications"
        title="Pushed by keyspace notifications"
      >
        <span className="dot" aria-hidden="true" />
        Live
      </span>
    )
  }
  const ago = live.polledAt === null ? null : Math.max(0, Math.round((now + clockOffset - live.polledAt) / 1000))
  return (
    <div className="live-status polling" data-testid="live-status" data-mode="polling" data-poll-seconds={live.pollSeconds}>
      <span className="badge badge-wait">
        <span className="dot" aria-hidden="true" />
        <label>
          Polling every{' '}
          <select data-testid="poll-interval" value={live.pollSeconds} onChange={(event) => onPollEvery(Number(event.target.value))}>
            {[...new Set([...CHOICES, live.pollSeconds])]
              .sort((a, b) => a - b)
              .map((seconds) => (
                <option key={seconds} value={seconds}>
                  {seconds} s
                </option>
              ))}
          </select>
        </label>
        <span className="muted" data-testid="polled-ago">
          {ago === null ? '' : ` · read ${ago} s ago`}
        </span>
      </span>
      <details className="live-why">
        <summary>Why not live?</summary>
        <p data-testid="live-reason">{live.reason}.</p>
        {live.enableLine && (
          <>
            <p>
              This line turns keyspace notifications on (for every client of the server, and until it restarts unless its configuration file
              says so too):
            </p>
            <code data-testid="enable-line">{live.enableLine}</code>
            {asking ? (
              <span className="confirm-inline" role="group" aria-label="Change the server's configuration?">
                <span>Change the server&apos;s configuration?</span>
                <button
                  type="button"
                  className="danger"
                  data-testid="enable-notifications-yes"
                  onClick={() => {
                    setAsking(false)
                    onEnable()
                  }}
                >
                  Run it
                </button>
                <button type="button" data-testid="enable-notifications-no" onClick={() => setAsking(false)}>
                  Keep polling
                </button>
              </span>
            ) : (
              <button type="button" data-testid="enable-notifications" onClick={() => setAsking(true)}>
                Run it for me
              </button>
            )}
          </>
        )}
      </details>
    </div>
  )
}
