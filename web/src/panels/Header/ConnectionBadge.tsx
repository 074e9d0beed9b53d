/** @module Shows whether the page is connected, and to which Valkey. */
import { useConnectionStatus } from '../../connection/ConnectionContext.tsx'

export function ConnectionBadge() {
  const status = useConnectionStatus()
  const [label, tone, title] =
    status.state === 'open'
      ? [
          `Valkey ${status.server.valkeyVersion}`,
          'ok',
          `Connected to ${status.server.address}${status.server.embedded ? ' (embedded)' : ''}`,
        ]
      : status.state === 'connecting'
        ? ['Connecting…', 'wait', 'Opening the connection to the playground']
        : status.retryInMs === null
          ? ['Disconnected', 'bad', status.reason]
          : ['Reconnecting…', 'wait', status.reason]
  return (
    <span className={`badge badge-${tone}`} data-testid="connection-status" data-state={status.state} title={title}>
      <span className="dot" aria-hidden="true" />
      {/* On phones only the dot shows; the words stay for screen readers. */}
      <span className="badge-label">{label}</span>
    </span>
  )
}
