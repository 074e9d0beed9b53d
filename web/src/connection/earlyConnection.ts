/**
 * @module The playground's connection, started as the page's first script runs, before React and
 * the panels are even loaded: the WebSocket handshake and the server's welcome (making or resuming
 * the sandbox) then overlap with loading the rest of the page instead of following it. It holds
 * what the server sends until the panels listen (ProxyConnection's holdMessages; useProxySocket
 * releases it).
 */
import { ProxyConnection } from '../../../common/connection/ProxyConnection.ts'
import { browserWebSocket, socketUrl } from './browserSocket.ts'
import { localNameStore, localTokenStore } from './storage.ts'

let early: ProxyConnection | null = null

/** A connection to the server that served the page, with the token and name kept in localStorage. */
export function createPlaygroundConnection(holdMessages: boolean): ProxyConnection {
  return new ProxyConnection({
    url: socketUrl(window.location),
    WebSocket: browserWebSocket,
    tokens: localTokenStore,
    names: localNameStore,
    holdMessages,
  })
}

/** Starts the page's connection now (main.tsx, on the playground's routes only). */
export function startEarlyConnection(): void {
  early ??= createPlaygroundConnection(true)
  early.start()
}

/** The early connection while nobody has claimed it yet (what the first render shows). */
export function peekEarlyConnection(): ProxyConnection | null {
  return early
}

/** Takes the early connection: the first caller gets it, later ones null (they make their own). */
export function claimEarlyConnection(): ProxyConnection | null {
  const claimed = early
  early = null
  return claimed
}
