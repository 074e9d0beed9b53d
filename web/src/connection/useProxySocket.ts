/**
 * @module The one hook that owns the page's connection to the playground: it makes it on the
 * browser's WebSocket with the token and name kept in localStorage, starts it, and stops it on
 * unmount. ConnectionProvider calls it; panels get the connection from the context.
 */
import { useEffect, useState } from 'react'
import { ProxyConnection, type ConnectionStatus } from '../../../common/connection/ProxyConnection.ts'
import { browserWebSocket, socketUrl } from './browserSocket.ts'
import { localNameStore, localTokenStore } from './storage.ts'

export function useProxySocket(): { connection: ProxyConnection | null; status: ConnectionStatus } {
  const [connection, setConnection] = useState<ProxyConnection | null>(null)
  const [status, setStatus] = useState<ConnectionStatus>({ state: 'connecting', attempt: 0 })

  useEffect(() => {
    const created = new ProxyConnection({
      url: socketUrl(window.location),
      WebSocket: browserWebSocket,
      tokens: localTokenStore,
      names: localNameStore,
    })
    const unsubscribe = created.on('status', setStatus)
    created.start()
    // The connection is an outside resource made (and, on unmount, stopped) by this effect, so
    // StrictMode's mount-unmount-mount gets a fresh one each time; publishing it is the effect's
    // one synchronous state update, once per mount.
    // eslint-disable-next-line react-hooks/set-state-in-effect -- see the comment above
    setConnection(created)
    return () => {
      unsubscribe()
      created.stop()
    }
  }, [])

  return { connection, status }
}
