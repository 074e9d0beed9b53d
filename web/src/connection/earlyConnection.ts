/**
 * @module The playground's connection, started as the page's first script runs, before React and
 * the panels are even loaded: the WebSocket handshake and the server's welcome (making or resuming
 * the sandbox) then overlap with loading the rest of the page instead of following it. It holds
 * what the server sends until the panels listen (ProxyConnection's holdMessages; useProxySocket
 * releases it).
 *
 * The page's scripts are evaluated once its socket has opened (helloSent): a browser dispatches the
 * socket's open event, where the hello goes out, only between tasks, and evaluating the app's
 * chunk is one long task. Before this wait the hello, and so the server's welcome, often came
 * only after it.
 */
import { ProxyConnection } from '../../../common/connection/ProxyConnection.ts'
import type { SocketFactory } from '../../../common/connection/ReconnectingSocket.ts'
import { browserWebSocket, socketUrl, watchedWebSocket } from './browserSocket.ts'
import { localNameStore, localTokenStore } from './storage.ts'

/**
 * The longest the app's scripts wait for the socket to open: on a slow network the page is not
 * left blank for a whole handshake (on loopback the socket opens in a few tens of milliseconds).
 */
const HELLO_WAIT_CAP_MS = 250

let early: ProxyConnection | null = null

/** A connection to the server that served the page, with the token and name kept in localStorage. */
export function createPlaygroundConnection(holdMessages: boolean, WebSocket: SocketFactory = browserWebSocket): ProxyConnection {
  return new ProxyConnection({
    url: socketUrl(window.location),
    WebSocket,
    tokens: localTokenStore,
    names: localNameStore,
    holdMessages,
  })
}

/**
 * Starts the page's connection now (main.tsx, on the playground's routes only). Resolves when its
 * socket has opened (its hello sent) or failed, or after HELLO_WAIT_CAP_MS, whichever is first.
 */
export function startEarlyConnection(): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, HELLO_WAIT_CAP_MS)
    early ??= createPlaygroundConnection(true, watchedWebSocket(resolve))
    early.start()
  })
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
