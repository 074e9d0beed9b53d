/**
 * @module The one hook that owns the page's connection to the playground: it takes the one main.tsx
 * started early (or makes one on the browser's WebSocket with the token and name kept in
 * localStorage), and stops it on unmount. ConnectionProvider calls it; panels get the connection
 * from the context. What the early connection held for the panels is passed on once `release` is
 * true: when every panel that listens from the start is mounted (some are loaded after the prompt).
 */
import { useEffect, useState } from 'react'
import type { ConnectionStatus, ProxyConnection } from '../../../common/connection/ProxyConnection.ts'
import { claimEarlyConnection, createPlaygroundConnection, peekEarlyConnection } from './earlyConnection.ts'

type Socket = { connection: ProxyConnection | null; status: ConnectionStatus }

function firstSocket(): Socket {
  const early = peekEarlyConnection()
  return { connection: early, status: early?.status ?? { state: 'connecting', attempt: 0 } }
}

export function useProxySocket(release: boolean): Socket {
  // The early connection is there on the first render, so the panels subscribe to it in the
  // commit that mounts them; the release effect below (a parent's) runs after theirs.
  const [socket, setSocket] = useState<Socket>(firstSocket)

  useEffect(() => {
    const claimed = claimEarlyConnection()
    const created = claimed ?? createPlaygroundConnection(false)
    const unsubscribe = created.on('status', (status) => setSocket({ connection: created, status }))
    if (!claimed) created.start()
    // The connection is an outside resource made (and, on unmount, stopped) by this effect, so
    // StrictMode's mount-unmount-mount gets a fresh one each time; publishing it (with the status
    // the early one may have reached meanwhile) is the effect's one synchronous state update.
    // eslint-disable-next-line react-hooks/set-state-in-effect -- see the comment above
    setSocket({ connection: created, status: created.status })
    return () => {
      unsubscribe()
      created.stop()
    }
  }, [])

  // A connection made here holds nothing; release() is then a no-op.
  const connection = socket.connection
  useEffect(() => {
    if (release) connection?.release()
  }, [release, connection])

  return socket
}
