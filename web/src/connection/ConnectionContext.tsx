/**
 * @module How the panels reach the page's one connection: ConnectionProvider owns it (useProxySocket)
 * and hands it down; a panel calls useConnection(), and what needs the connection's state calls
 * useConnectionStatus(). The connection is null on the first render, before the socket hook has made it.
 */
import { createContext, useContext, type ReactNode } from 'react'
import type { ConnectionStatus, ProxyConnection } from '../../../common/connection/ProxyConnection.ts'
import { useProxySocket } from './useProxySocket.ts'

const ConnectionContext = createContext<ProxyConnection | null>(null)
const StatusContext = createContext<ConnectionStatus>({ state: 'connecting', attempt: 0 })

type ProviderProps = {
  /**
   * True once every panel that listens from the start is mounted: what the connection held
   * until then (the inspector's snapshot, the mission's progress…) is passed on to them.
   */
  release: boolean
  children: ReactNode
}

export function ConnectionProvider({ release, children }: ProviderProps) {
  const { connection, status } = useProxySocket(release)
  // Two contexts: a status change re-renders what reads the status, not every user of the connection.
  return (
    <ConnectionContext value={connection}>
      <StatusContext value={status}>{children}</StatusContext>
    </ConnectionContext>
  )
}

/** The page's connection (null until it is made). */
export function useConnection(): ProxyConnection | null {
  return useContext(ConnectionContext)
}

/** Where the page's connection is: connecting, open (and to which server) or closed. */
export function useConnectionStatus(): ConnectionStatus {
  return useContext(StatusContext)
}
