/**
 * @module The server view (issue 22, point 27): the server's memory and keyspace, its clients and
 * its slow log, as Redis Insight's overview shows them, read when it opens and each time Refresh
 * is pressed (never on a timer: someone's production server is not polled for this). A part the
 * server refused (a user without the right) says so; the rest is still shown.
 */
import { useEffect, useState } from 'react'
import type { InspectorMessage, ServerViewMessage } from '../../../../common/protocol/index.ts'
import { useConnection } from '../../connection/ConnectionContext.tsx'

const SUMMARY: [string, string][] = [
  ['used_memory_human', 'Memory used'],
  ['used_memory_peak_human', 'Peak'],
  ['used_memory_rss_human', 'RSS'],
  ['maxmemory_human', 'maxmemory'],
  ['maxmemory_policy', 'Eviction policy'],
  ['mem_fragmentation_ratio', 'Fragmentation'],
  ['connected_clients', 'Clients'],
  ['blocked_clients', 'Blocked'],
  ['instantaneous_ops_per_sec', 'Ops/s'],
  ['total_commands_processed', 'Commands'],
  ['keyspace_hits', 'Hits'],
  ['keyspace_misses', 'Misses'],
  ['expired_keys', 'Expired'],
  ['evicted_keys', 'Evicted'],
  ['uptime_in_seconds', 'Uptime (s)'],
  ['role', 'Role'],
]
const CLIENT_COLUMNS = ['id', 'addr', 'name', 'user', 'db', 'age', 'idle', 'cmd'] as const

export function ServerView() {
  const connection = useConnection()
  const [view, setView] = useState<ServerViewMessage | null>(null)
  // It is read as soon as it opens (the effect below asks).
  const [reading, setReading] = useState(true)
  useEffect(() => {
    if (!connection) return
    const stop = connection.on('inspector', (message: InspectorMessage) => {
      if (message.type !== 'serverView') return
      setView(message)
      setReading(false)
    })
    // Read once on opening.
    connection.inspect({ type: 'serverView' })
    return stop
  }, [connection])
  const refresh = () => {
    if (connection?.inspect({ type: 'serverView' })) setReading(true)
  }
  return (
    <div
      className="server-view"
      data-testid="server-view"
      data-state={reading ? 'reading' : view ? 'ready' : 'empty'}
      data-read-at={view?.at ?? ''}
    >
      <div className="server-view-head">
        <button type="button" data-testid="server-view-refresh" onClick={refresh} disabled={reading}>
          {reading ? 'Reading…' : 'Refresh'}
        </button>
        {view && <span className="muted">Read at {new Date(view.at).toLocaleTimeString('en-GB')}</span>}
      </div>
      {view && view.errors.length > 0 && (
        <ul className="server-view-errors" data-testid="server-view-errors">
          {view.errors.map((error) => (
            <li key={error}>{error}</li>
          ))}
        </ul>
      )}
      {view?.info && (
        <section aria-label="Summary">
          <h3>Memory and activity</h3>
          <dl className="server-view-summary" data-testid="server-view-summary">
            {SUMMARY.filter(([name]) => view.info![name] !== undefined).map(([name, label]) => (
              <div key={name} data-name={name}>
                <dt>{label}</dt>
                <dd>{view.info![name]}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
      {view?.keyspace && (
        <section aria-label="Keyspace">
          <h3>Keyspace</h3>
          <table className="server-view-table" data-testid="server-view-keyspace">
            <thead>
              <tr>
                <th>Database</th>
                <th>Keys</th>
                <th>With a TTL</th>
              </tr>
            </thead>
            <tbody>
              {view.keyspace.map((entry) => (
                <tr key={entry.db} data-db={entry.db}>
                  <td>db{entry.db}</td>
                  <td>{entry.keys.toLocaleString('en')}</td>
                  <td>{entry.expires.toLocaleString('en')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {view?.clients && (
        <section aria-label="Clients">
          <h3>
            Clients ({view.clients.total.toLocaleString('en')}
            {view.clients.total > view.clients.list.length ? `, the first ${view.clients.list.length} shown` : ''})
          </h3>
          <div className="server-view-scroll">
            <table className="server-view-table" data-testid="server-view-clients">
              <thead>
                <tr>
                  {CLIENT_COLUMNS.map((column) => (
                    <th key={column}>{column}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {view.clients.list.map((client, i) => (
                  <tr key={client.id ?? i} data-testid="client-row" data-name={client.name ?? ''}>
                    {CLIENT_COLUMNS.map((column) => (
                      <td key={column}>{client[column] ?? ''}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {view?.slowlog && (
        <section aria-label="Slow log">
          <h3>Slow log ({view.slowlog.length.toLocaleString('en')} entries; the newest shown)</h3>
          {view.slowlog.entries.length === 0 ? (
            <p className="muted">Empty: no command took longer than slowlog-log-slower-than.</p>
          ) : (
            <div className="server-view-scroll">
              <table className="server-view-table" data-testid="server-view-slowlog">
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Took (µs)</th>
                    <th>Command</th>
                    <th>Client</th>
                  </tr>
                </thead>
                <tbody>
                  {view.slowlog.entries.map((entry) => (
                    <tr key={entry.id} data-testid="slowlog-row" data-micros={entry.micros}>
                      <td>{new Date(entry.at * 1000).toLocaleTimeString('en-GB')}</td>
                      <td>{entry.micros.toLocaleString('en')}</td>
                      <td className="server-view-command">{entry.args.join(' ')}</td>
                      <td>{entry.name || entry.client}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      {view?.memory && (
        <details>
          <summary>MEMORY STATS</summary>
          <dl className="server-view-summary" data-testid="server-view-memory">
            {Object.entries(view.memory).map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{value.toLocaleString('en')}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </div>
  )
}
