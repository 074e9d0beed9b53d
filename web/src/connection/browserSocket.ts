/**
 * @module The page's one use of the browser's WebSocket: the class both connections are given, and
 * the playground's socket URL. Panels never open sockets of their own (lint holds every other file
 * of web/ to that); they reach the page's connection through its React context.
 */
import type { SocketFactory } from '../../../common/connection/ReconnectingSocket.ts'

export const browserWebSocket: SocketFactory = WebSocket

/**
 * The browser's WebSocket, telling `settled` (once, in a task of its own after the event) when its
 * first socket opened or failed. The connection sends its hello in the socket's open event, so by
 * then the hello is on its way.
 */
export function watchedWebSocket(settled: () => void): SocketFactory {
  let told = false
  const tell = () => {
    if (told) return
    told = true
    setTimeout(settled, 0)
  }
  return class WatchedWebSocket extends WebSocket {
    constructor(url: string) {
      super(url)
      this.addEventListener('open', tell)
      this.addEventListener('close', tell)
    }
  }
}

/** The playground's socket, on the host that served the page (wss:// when the page came over https). */
export function socketUrl(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`
}
