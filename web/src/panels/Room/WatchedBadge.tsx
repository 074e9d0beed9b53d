/**
 * @module Says so while the instructor watches this terminal: watching is read-only, and the
 * attendee should know it is happening.
 */
import { useEffect, useState } from 'react'
import { useConnection } from '../../connection/ConnectionContext.tsx'

export function WatchedBadge() {
  const connection = useConnection()
  const [watched, setWatched] = useState(false)
  useEffect(() => {
    if (!connection) return
    const removers = [
      connection.on('watched', setWatched),
      connection.on('status', (status) => status.state !== 'open' && setWatched(false)),
    ]
    return () => removers.forEach((remove) => remove())
  }, [connection])
  if (!watched) return null
  return (
    <span
      className="badge badge-wait watched-badge"
      data-testid="watched-badge"
      title="Your instructor can see your terminal and sandbox (read-only)"
    >
      <span className="dot" aria-hidden="true" />
      Your instructor is watching
    </span>
  )
}
