/**
 * @module The playground's WebSocket router: attendee sockets (hello, then their terminal,
 * inspector, missions and room row, in AttendeeSocket) and instructor sockets (instructorHello with
 * the key, then InstructorSession). The edge (socketEdge.ts) has already validated each frame;
 * this only decides what it means and hands it on.
 */
import type { Server } from 'node:http'
import { CLOSE_CODES, ERROR_CODES, PROTOCOL_VERSION, type ClientMessage } from '../../../common/protocol/index.ts'
import { SandboxUnavailableError } from '../sandbox/SandboxRegistry.ts'
import { ControlUnavailableError } from '../control/ControlUnavailableError.ts'
import { InstructorSession } from '../instructor/InstructorSession.ts'
import { AttendeeSocket } from './AttendeeSocket.ts'
import type { GatewayDeps } from './gatewayDeps.ts'
import { attachSocketServer, closeReason, type Gateway, type SocketContext, type SocketRouter } from './socketEdge.ts'

export type { GatewayDeps } from './gatewayDeps.ts'
export type { Gateway } from './socketEdge.ts'

export function attachGateway(server: Server, deps: GatewayDeps): Gateway {
  return attachSocketServer(server, deps, (context) => handleSocket(context, deps))
}

function handleSocket({ ws, address, send, fail, wrongVersion, writer }: SocketContext, deps: GatewayDeps): SocketRouter {
  /** Set once a hello got its sandbox: an attendee's socket. */
  let attendee: AttendeeSocket | null = null
  /** Set once an instructorHello presented the right key; such a socket has no sandbox. */
  let instructor: InstructorSession | null = null
  let attaching = false

  const message = (message: ClientMessage): void => {
    switch (message.type) {
      case 'hello': {
        if (attendee !== null || instructor !== null || attaching) return fail(ERROR_CODES.badFrame, 'hello was already received')
        if (message.v !== PROTOCOL_VERSION) return wrongVersion(message.v)
        attaching = true
        deps.registry
          .attach(message.token, address)
          .then(async (lease) => {
            // The sandbox's scripts, which another process may have recorded, before its terminal runs anything.
            await deps.scripts.load(lease.sandbox.number, lease.owner)
            attaching = false
            if (ws.readyState !== ws.OPEN) {
              // Gone while the sandbox was being found: the lease is still handed back.
              void deps.registry.connectionClosed(lease.sandbox.number)
              return
            }
            // A number of its own in the room before joining it ("Attendee 17" is never someone else).
            await deps.room.claimNumber(lease.token)
            if (ws.readyState !== ws.OPEN) {
              void deps.registry.connectionClosed(lease.sandbox.number)
              return
            }
            attendee = new AttendeeSocket(deps, lease, message, send, () => writer.drained())
          })
          .catch((error: Error) => {
            attaching = false
            deps.log(`sandbox attach failed: ${error.message}`)
            // The page tries again by itself after this close code (common/connection/ProxyConnection.ts).
            if (error instanceof ControlUnavailableError) {
              const text = "The playground's bookkeeping server is not reachable; you will get your sandbox as soon as it is back…"
              send({ type: 'notice', level: 'warn', text })
              return ws.close(CLOSE_CODES.bookkeepingUnavailable, closeReason(text))
            }
            const text =
              error instanceof SandboxUnavailableError
                ? `No sandbox is free: ${error.message}`
                : `The playground cannot reach Valkey right now (${error.message}).`
            send({ type: 'notice', level: 'error', text })
            ws.close(CLOSE_CODES.sandboxUnavailable, closeReason(text))
          })
        return
      }
      case 'instructorHello':
        if (attendee !== null || instructor !== null || attaching) return fail(ERROR_CODES.badFrame, 'hello was already received')
        if (message.v !== PROTOCOL_VERSION) return wrongVersion(message.v)
        if (!deps.instructorKey.check(message.key, address)) {
          // Said the same way for a wrong key and for too many wrong keys: neither tells a guesser anything.
          ws.close(CLOSE_CODES.badInstructorKey, 'this is not the instructor key; use the instructor URL npm start printed')
          return
        }
        instructor = new InstructorSession({ ...deps, send })
        return
      case 'watchAttendee':
      case 'broadcast':
      case 'withdrawAnnouncement':
      case 'clearHelp':
      case 'resetSandbox':
      case 'stuckRules':
        if (!instructor) return fail(ERROR_CODES.forbidden, `'${message.type}' is for the instructor page only`)
        return instructor.handle(message)
      case 'setName':
      case 'screen':
      case 'askHelp':
        if (!attendee) return fail(ERROR_CODES.notReady, 'send hello and wait for welcome first')
        return attendee.room(message)
      case 'command':
      case 'commands':
        if (!attendee) return fail(ERROR_CODES.notReady, 'send hello and wait for welcome before commands')
        return attendee.commands(message.type === 'command' ? [message] : message.list)
      case 'watchKeys':
      case 'moreKeys':
      case 'openKey':
      case 'moreFields':
      case 'moreItems':
      case 'searchValues':
        // On an instructor's socket these read the sandbox being watched.
        if (instructor) return instructor.inspect(message)
        if (!attendee) return fail(ERROR_CODES.notReady, 'send hello and wait for welcome before inspecting')
        return attendee.inspect(message)
      case 'selectDb':
      case 'pollEvery':
      case 'enableNotifications':
      case 'searchKeys':
      case 'stopKeySearch':
      case 'serverView':
      case 'databasesNow':
        return fail(ERROR_CODES.forbidden, `'${message.type}' is for inspect mode only (npm start -- --inspect URL)`)
      case 'missionOpen':
      case 'missionReset':
        if (!attendee) return fail(ERROR_CODES.notReady, 'send hello and wait for welcome before opening missions')
        return attendee.mission(message)
      case 'cancel':
        return attendee?.cancel()
      case 'ping':
        return send({ type: 'pong', t: message.t })
      default: {
        const unreachable: never = message
        return unreachable
      }
    }
  }

  return {
    greeted: () => attendee !== null || instructor !== null || attaching,
    message,
    sent: (message) => attendee?.sent(message),
    closed: () => {
      instructor?.close()
      instructor = null
      attendee?.close()
      attendee = null
    },
  }
}
