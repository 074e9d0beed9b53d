/**
 * @module The page's side of a search across keys: starts one (a fresh id each time, so messages
 * of an older search are told apart), gathers its matches and progress from keySearch messages,
 * and stops it.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import type { InspectorMessage, KeySearchMatch, KeySearchMessage } from '../../../../common/protocol/index.ts'
import { useConnection } from '../../connection/ConnectionContext.tsx'

export type KeySearchQuery = { pattern: string; text: string; maxMatches: number; maxKeys: number }

export type KeySearchState = {
  id: number | null
  query: KeySearchQuery | null
  matches: KeySearchMatch[]
  keysScanned: number
  keysMatched: number
  partialKeys: number
  /** 'idle' before the first search; otherwise the last state the server sent ('running' until it ends). */
  state: KeySearchMessage['state'] | 'idle'
  error: string | null
}

const IDLE: KeySearchState = {
  id: null,
  query: null,
  matches: [],
  keysScanned: 0,
  keysMatched: 0,
  partialKeys: 0,
  state: 'idle',
  error: null,
}

export function useKeySearch(): { search: KeySearchState; start: (query: KeySearchQuery) => void; stop: () => void } {
  const connection = useConnection()
  const [search, setSearch] = useState<KeySearchState>(IDLE)
  const nextId = useRef(1)
  useEffect(() => {
    if (!connection) return
    return connection.on('inspector', (message: InspectorMessage) => {
      if (message.type !== 'keySearch') return
      setSearch((before) =>
        before.id !== message.id
          ? before
          : {
              ...before,
              matches: message.matches.length ? [...before.matches, ...message.matches] : before.matches,
              keysScanned: message.keysScanned,
              keysMatched: message.keysMatched,
              partialKeys: message.partialKeys,
              state: message.state,
              error: message.error,
            }
      )
    })
  }, [connection])
  const start = useCallback(
    (query: KeySearchQuery) => {
      const id = nextId.current++
      if (!connection?.inspect({ type: 'searchKeys', id, ...query })) {
        setSearch({ ...IDLE, id, query, state: 'failed', error: 'not connected' })
        return
      }
      setSearch({ ...IDLE, id, query, state: 'running' })
    },
    [connection]
  )
  const stop = useCallback(() => {
    if (search.id !== null && search.state === 'running') connection?.inspect({ type: 'stopKeySearch', id: search.id })
  }, [connection, search.id, search.state])
  return { search, start, stop }
}
