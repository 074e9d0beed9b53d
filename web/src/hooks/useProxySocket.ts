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
    setConnection(created)
    return () => {
      unsubscribe()
      created.stop()
    }
  }, [])

  return { connection, status }
}
