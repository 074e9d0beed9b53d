/**
 * @module The keyspace events of the database shown (the sandbox's), newest first: what each command
 * did to the data (hset, hdel, expire, expired, hexpired, del, ...). Lines wrap: a long key name is
 * shown whole, never cut.
 */
import type { LoggedEvent } from './inspectorStore.ts'
import { showName } from './displayValue.ts'

export function EventLog({ events }: { events: LoggedEvent[] }) {
  return (
    <div className="event-log" data-testid="event-log">
      <h3>Keyspace events</h3>
      {events.length === 0 ? (
        <p className="empty">Keyspace events appear here as commands change keys.</p>
      ) : (
        <ol>
          {events.map((event) => (
            <li key={event.id} data-testid="event" data-event={event.event}>
              <time>{new Date(event.at).toLocaleTimeString()}</time> <span className={`event event-${event.event}`}>{event.event}</span>{' '}
              <span className="event-key">{showName(event.key)}</span>
              {event.fields && <span className="event-fields"> ({event.fields.map(showName).join(', ')})</span>}
            </li>
          ))}
        </ol>
      )}
    </div>
  )
}
