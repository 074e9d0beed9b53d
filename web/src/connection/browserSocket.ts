/**
 * @module The page's one use of the browser's WebSocket: the class both connections are given, and
 * the playground's socket URL. Panels never open sockets of their own (lint holds every other file
 * of web/ to that); they reach the page's connection through its React context.
 */
import type { SocketFactory } from '../../../common/connection/ReconnectingSocket.ts'

export const browserWebSocket: SocketFactory = WebSocket

/** The playground's socket, on the host that served the page (wss:// when the page came over https). */
export function socketUrl(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`
}
