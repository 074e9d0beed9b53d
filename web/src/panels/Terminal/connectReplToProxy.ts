/**
 * @module Tells the REPL what happens on the connection: which server it is
 * on, drops and reconnects, pub/sub messages, notices from the playground.
 */
import type { Repl } from '../../../../common/cli/Repl.ts'
import type { ConnectionStatus, ProxyConnection } from '../../../../common/connection/ProxyConnection.ts'

/** Returns a function that removes every listener it added. */
export function connectReplToProxy(repl: Repl, connection: ProxyConnection): () => void {
  let everConnected = false
  let lostNoticeShown = false

  const onStatus = (status: ConnectionStatus) => {
    switch (status.state) {
      case 'open':
        repl.setServer(status.server.address, status.server.valkeyVersion, status.server.inspect?.db)
        repl.setConnected(true)
        if (everConnected) {
          repl.notice(
            status.resumed
              ? 'Reconnected: your sandbox is as you left it.'
              : 'Reconnected to a new, empty sandbox (the previous one was recycled or the server restarted).',
            status.resumed ? 'info' : 'warn'
          )
        } else if (status.fresh) {
          repl.notice('Your earlier sandbox no longer exists (idle too long, or the server restarted); this is a new one.', 'warn')
        }
        everConnected = true
        lostNoticeShown = false
        break
      case 'closed':
        repl.setConnected(false)
        if (status.retryInMs === null) {
          repl.notice(`Disconnected: ${status.reason}`, 'error')
        } else if (!lostNoticeShown) {
          repl.notice(`Connection to the playground lost (${status.reason}); reconnecting...`, 'warn')
          lostNoticeShown = true
        }
        break
      case 'connecting':
        break
    }
  }

  const removers = [
    connection.on('status', onStatus),
    connection.on('push', (reply) => repl.push(reply)),
    connection.on('mode', (subscribed) => repl.setSubscribed(subscribed)),
    connection.on('notice', (text, level) => repl.notice(text, level)),
  ]
  onStatus(connection.status)
  return () => removers.forEach((remove) => remove())
}
