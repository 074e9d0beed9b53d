/**
 * @module The one hook that owns the connection to the proxy.
 *
 * Components get the connection (to run commands and listen for events) and
 * its status; they never see the WebSocket itself.
 */
import { useEffect, useState } from 'react'
import { ProxyConnection, type ConnectionStatus } from './ProxyConnection.ts'

export function proxyUrl(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`
}

export function useProxySocket(): { connection: ProxyConnection | null; status: ConnectionStatus } {
  const [connection, setConnection] = useState<ProxyConnection | null>(null)
  const [status, setStatus] = useState<ConnectionStatus>({ state: 'connecting', attempt: 0 })

  useEffect(() => {
    const created = new ProxyConnection(proxyUrl(window.location))
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
