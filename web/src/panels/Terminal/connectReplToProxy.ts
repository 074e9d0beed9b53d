/**
 * @module Tells the REPL what happens on the connection: which server it is
 * on, drops and reconnects, pub/sub messages, notices from the playground.
 *
 * A drop that is over quickly (a playground process replaced, nginx moving the socket to another
 * process, a wifi blip) shows only in the status dot: the page resumes the same sandbox and there
 * is nothing to tell. Only a drop that lasts LOST_NOTICE_AFTER_MS is written into the terminal,
 * and then its end too.
 */
import type { Repl } from '../../../../common/cli/Repl.ts'
import type { ConnectionStatus, ProxyConnection } from '../../../../common/connection/ProxyConnection.ts'

/** How long a drop may last before the terminal says so. */
export const LOST_NOTICE_AFTER_MS = 3000

/** Returns a function that removes every listener it added. */
export function connectReplToProxy(repl: Repl, connection: ProxyConnection, lostNoticeAfterMs = LOST_NOTICE_AFTER_MS): () => void {
  let everConnected = false
  let lostNoticeShown = false
  let lostTimer: ReturnType<typeof setTimeout> | undefined
  const cancelLostNotice = () => {
    clearTimeout(lostTimer)
    lostTimer = undefined
  }

  const onStatus = (status: ConnectionStatus) => {
    switch (status.state) {
      case 'open':
        repl.setServer(status.server.address, status.server.valkeyVersion, status.server.inspect?.db)
        repl.setConnected(true)
        cancelLostNotice()
        if (everConnected && !status.resumed) {
          repl.notice('Reconnected to a new, empty sandbox (the previous one was recycled or the server restarted).', 'warn')
        } else if (everConnected && lostNoticeShown) {
          repl.notice('Reconnected: your sandbox is as you left it.', 'info')
        } else if (status.fresh) {
          repl.notice('Your earlier sandbox no longer exists (idle too long, or the server restarted); this is a new one.', 'warn')
        }
        everConnected = true
        lostNoticeShown = false
        break
      case 'closed':
        repl.setConnected(false)
        if (status.retryInMs === null) {
          cancelLostNotice()
          repl.notice(`Disconnected: ${status.reason}`, 'error')
        } else if (!lostNoticeShown && lostTimer === undefined) {
          const reason = status.reason
          lostTimer = setTimeout(() => {
            lostTimer = undefined
            repl.notice(`Connection to the playground lost (${reason}); reconnecting...`, 'warn')
            lostNoticeShown = true
          }, lostNoticeAfterMs)
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
  return () => {
    cancelLostNotice()
    removers.forEach((remove) => remove())
  }
}
