/**
 * @module Inspect mode's WebSocket router. The edge (socketEdge.ts) has checked the page key on
 * the upgrade and validated each frame; here a hello makes the socket's OwnValkeySocket, and every
 * later message goes to it. The playground's own kinds (missions, the room, the instructor's)
 * mean nothing here and are refused as such.
 */
import type { Server } from 'node:http'
import { ERROR_CODES, PROTOCOL_VERSION, type ClientMessage } from '../../../common/protocol/index.ts'
import { attachSocketServer, type EdgeOptions, type Gateway, type SocketContext, type SocketRouter } from '../http/socketEdge.ts'
import { OwnValkeySocket, type OwnValkeySocketDeps } from './OwnValkeySocket.ts'

export function attachOwnValkeyGateway(server: Server, edge: EdgeOptions, deps: OwnValkeySocketDeps): Gateway {
  return attachSocketServer(server, edge, (context) => ownValkeyRouter(context, deps))
}

function ownValkeyRouter({ send, fail, wrongVersion }: SocketContext, deps: OwnValkeySocketDeps): SocketRouter {
  let session: OwnValkeySocket | null = null

  const message = (message: ClientMessage): void => {
    switch (message.type) {
      case 'hello':
        if (session) return fail(ERROR_CODES.badFrame, 'hello was already received')
        if (message.v !== PROTOCOL_VERSION) return wrongVersion(message.v)
        session = new OwnValkeySocket(deps, message, send)
        return
      case 'command':
      case 'commands':
        if (!session) return fail(ERROR_CODES.notReady, 'send hello and wait for welcome before commands')
        return session.commands(message.type === 'command' ? [message] : message.list)
      case 'watchKeys':
      case 'moreKeys':
      case 'openKey':
      case 'moreFields':
      case 'moreItems':
      case 'searchValues':
      case 'selectDb':
      case 'pollEvery':
      case 'enableNotifications':
      case 'searchKeys':
      case 'stopKeySearch':
      case 'serverView':
      case 'databasesNow':
        if (!session) return fail(ERROR_CODES.notReady, 'send hello and wait for welcome before inspecting')
        return session.inspect(message)
      case 'cancel':
        return session?.cancel()
      case 'ping':
        return send({ type: 'pong', t: message.t })
      case 'instructorHello':
      case 'watchAttendee':
      case 'broadcast':
      case 'withdrawAnnouncement':
      case 'clearHelp':
      case 'askHelp':
      case 'resetSandbox':
      case 'stuckRules':
      case 'setName':
      case 'screen':
      case 'missionOpen':
      case 'missionReset':
        return fail(ERROR_CODES.forbidden, `'${message.type}' belongs to the playground; this server is in inspect mode`)
      default: {
        const unreachable: never = message
        return unreachable
      }
    }
  }

  return {
    greeted: () => session !== null,
    message,
    sent: (message) => session?.sent(message),
    closed: () => {
      session?.close()
      session = null
    },
  }
}
