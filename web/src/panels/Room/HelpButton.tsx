/**
 * @module "I need help": raises a flag on the attendee's row in the instructor's grid, and lowers
 * it again (the instructor can lower it too). The pressed state is the server's: every tab of the
 * attendee shows the same, and it survives a reload.
 */
import { useEffect, useState } from 'react'
import { useConnection } from '../../connection/ConnectionContext.tsx'

export function HelpButton() {
  const connection = useConnection()
  const [on, setOn] = useState<boolean | null>(null)
  useEffect(() => {
    if (!connection) return
    const removers = [
      connection.on('help', setOn),
      // Unknown until the room says so again (after a reconnect).
      connection.on('status', (status) => status.state !== 'open' && setOn(null)),
    ]
    return () => removers.forEach((remove) => remove())
  }, [connection])
  if (!connection || on === null) return null
  return (
    <button
      type="button"
      className={`help-button${on ? ' asking' : ''}`}
      data-testid="help-button"
      data-state={on ? 'asking' : 'idle'}
      aria-pressed={on}
      title={on ? 'Your instructor sees that you asked for help. Click if you no longer need it.' : 'Tell your instructor you need help'}
      onClick={() => connection.askHelp(!on)}
    >
      {/* On phones only the mark shows, to keep the header on one line; screen readers read the words. A drawn
          mark, not an emoji: machines without an emoji font would show an empty box. */}
      <span className="help-icon" aria-hidden="true">
        ?
      </span>{' '}
      <span className="help-label">{on ? 'Help asked · cancel' : 'I need help'}</span>
    </button>
  )
}
