/**
 * @module Inspect mode's header: which server this is (product, version, address, TLS, user),
 * what may be done to it (read-only, writes, or everything), the database shown, and whether the
 * view is live.
 */
import type { InspectInfo, ServerInfo } from '../../../../common/protocol/index.ts'
import { useConnection } from '../../connection/ConnectionContext.tsx'
import { DatabaseSelect } from './DatabaseSelect.tsx'
import { DevTools } from './DevTools.tsx'
import { LiveStatus } from './LiveStatus.tsx'
import type { OwnValkeyState } from './useOwnValkeyState.ts'
import './ownValkey.css'

type Props = {
  /** Kept by the page from its first message on (useOwnValkeyState), so nothing sent before this mounts is missed. */
  state: OwnValkeyState
  server: ServerInfo & { inspect: InspectInfo }
  db: number
  /** Runs a line in the terminal (choosing a database runs SELECT). */
  run: (line: string) => void
  /** Opens a key in the inspector (a search result). */
  openKey: (key: string) => void
}

export function OwnValkeyTools({ state, server, db, run, openKey }: Props) {
  const connection = useConnection()
  const { databases, live, clockOffset } = state
  const { inspect } = server
  const product = inspect.product === 'valkey' ? 'Valkey' : 'Redis'
  const access = inspect.readOnly ? 'read-only' : inspect.dangerous ? 'dangerous' : 'write'
  return (
    <div className="inspect-tools">
      <span className="inspect-target" data-testid="inspect-target" title={`${product} ${server.valkeyVersion} at ${server.address}`}>
        {product} {server.valkeyVersion} · {server.address}
        {inspect.tls ? ' · TLS' : ''}
        {inspect.user ? ` · ${inspect.user}` : ''}
      </span>
      <span
        className={`access-mode access-${access}`}
        data-testid="access-mode"
        data-mode={access}
        title={
          inspect.readOnly
            ? 'Commands that write or administer the server are refused (start with --write to allow them)'
            : inspect.dangerous
              ? 'Everything is allowed, FLUSHALL and SHUTDOWN included (--dangerous)'
              : 'Writes are allowed; FLUSHALL, FLUSHDB, SHUTDOWN, DEBUG and KEYS on a large database are refused (--dangerous allows them)'
        }
      >
        {inspect.readOnly ? 'Read-only' : inspect.dangerous ? 'Writes, all allowed' : 'Writes allowed'}
      </span>
      <DatabaseSelect
        databases={databases}
        db={db}
        onChoose={(chosen) => run(`SELECT ${chosen}`)}
        onOpen={() => connection?.inspect({ type: 'databasesNow' })}
      />
      <LiveStatus
        live={live}
        clockOffset={clockOffset}
        onPollEvery={(seconds) => connection?.inspect({ type: 'pollEvery', seconds })}
        onEnable={() => connection?.inspect({ type: 'enableNotifications' })}
      />
      <DevTools onOpenKey={openKey} />
    </div>
  )
}
