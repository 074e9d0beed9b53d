/**
 * @module What inspect mode's header shows, from the server: the databases that hold keys and
 * how the page stays current (pushed, or polled and why). Listens on the page's one connection.
 */
import { useEffect, useState } from 'react'
import type { DatabaseInfo, InspectorMessage, LiveMessage } from '../../../../common/protocol/index.ts'
import { useConnection } from '../../connection/ConnectionContext.tsx'

export type OwnValkeyState = { databases: DatabaseInfo[]; live: LiveMessage | null; clockOffset: number }

export function useOwnValkeyState(): OwnValkeyState {
  const connection = useConnection()
  const [state, setState] = useState<OwnValkeyState>({ databases: [], live: null, clockOffset: 0 })
  useEffect(() => {
    if (!connection) return
    return connection.on('inspector', (message: InspectorMessage) => {
      if (message.type === 'databases') {
        setState((before) => ({ ...before, databases: message.list, clockOffset: message.now - Date.now() }))
      } else if (message.type === 'live') setState((before) => ({ ...before, live: message }))
    })
  }, [connection])
  return state
}
