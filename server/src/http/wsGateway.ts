/**
 * @module The WebSocket edge: handshake, validation and routing of frames.
 *
 * Every frame is validated here, once (protocol.ts parseClientMessage). A bad
 * frame gets an `error` message and the socket stays open; only a wrong
 * protocol version, a missing hello or an oversized frame (ws closes with
 * 1009) end the connection. No exception from a socket reaches the process.
 */
import type { IncomingMessage, Server } from 'node:http'
import os from 'node:os'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import {
  CLOSE_CODES,
  ERROR_CODES,
  LIMITS,
  PROTOCOL_VERSION,
  parseClientMessage,
  type ReplyMessage,
  type ServerMessage,
} from '../protocol.ts'
import { SandboxUnavailableError } from '../sandbox/SandboxRegistry.ts'
import { InstructorSession } from '../instructor/InstructorSession.ts'
import { AttendeeSocket } from './AttendeeSocket.ts'
import { clientAddress } from './clientAddress.ts'
import { FrameWriter } from './FrameWriter.ts'
import type { GatewayDeps } from './gatewayDeps.ts'

export type { GatewayDeps } from './gatewayDeps.ts'

export type Gateway = {
  broadcast(message: ServerMessage): void
  readonly connections: number
  close(): Promise<void>
}

/** Close reasons are limited to 123 bytes by the WebSocket protocol. */
const reason = (text: string) => Buffer.from(text).subarray(0, 123).toString()

function originAllowed(request: IncomingMessage, allowed: string[]): boolean {
  const origin = request.headers.origin
  // Non-browser clients send no Origin; browsers always do, and a page on
  // another site must not open sandboxes with a visitor's browser.
  if (!origin) return true
  if (allowed.includes('*') || allowed.includes(origin)) return true
  try {
    const url = new URL(origin)
    // Same origin is not enough on its own: with DNS rebinding, evil.example resolves to this
    // machine and its page's Origin and Host agree. A page that is really ours is reached by an
    // address, a loopback name or this machine's own name; any other name must be listed in
    // ALLOWED_ORIGINS.
    return url.host === request.headers.host && trustedHostname(url.hostname)
  } catch {
    return false
  }
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/

function trustedHostname(hostname: string): boolean {
  const name = hostname.toLowerCase()
  if (IPV4.test(name) || name.startsWith('[')) return true
  if (name === 'localhost' || name.endsWith('.localhost')) return true
  const own = os.hostname().toLowerCase()
  return name === own || name === `${own}.local`
}

export function attachGateway(server: Server, deps: GatewayDeps): Gateway {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.maxFrameBytes,
    // Compression costs about 0.3 ms per message even for tiny frames (zlib
    // work per message, measured with npm run bench); a terminal's replies
    // are small and latency is what people feel, so frames go uncompressed.
    perMessageDeflate: false,
  })
  const sockets = new Set<WebSocket>()

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if (path !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n')
      return
    }
    if (!originAllowed(request, deps.allowedOrigins)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request))
  })

  /** Every message to a socket goes through its writer, broadcasts too: a large one may be mid-way. */
  const writers = new WeakMap<WebSocket, FrameWriter>()
  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    sockets.add(ws)
    const writer = new FrameWriter(ws, deps.log)
    writers.set(ws, writer)
    handleSocket(ws, writer, deps, () => sockets.delete(ws), clientAddress(request, deps.trustedProxies ?? []))
  })

  const heartbeat = setInterval(() => {
    for (const ws of sockets) {
      const state = ws as WebSocket & { alive?: boolean }
      if (state.alive === false) {
        ws.terminate()
        continue
      }
      state.alive = false
      ws.ping()
    }
  }, deps.heartbeatMs ?? 30_000)
  heartbeat.unref()

  return {
    broadcast(message) {
      for (const ws of sockets) writers.get(ws)?.write(message)
    },
    get connections() {
      return sockets.size
    },
    async close() {
      clearInterval(heartbeat)
      for (const ws of sockets) ws.close(CLOSE_CODES.serverShutdown, 'the playground server is stopping')
      // A peer that does not answer the close handshake must not hold up shutdown.
      const force = setTimeout(() => sockets.forEach((ws) => ws.terminate()), 1000)
      await new Promise<void>((resolve) => wss.close(() => resolve()))
      clearTimeout(force)
    },
  }
}

/** Frames one socket may have handled before the others get a turn (see takeTurn). */
const FRAMES_PER_TURN = 64

function handleSocket(ws: WebSocket, writer: FrameWriter, deps: GatewayDeps, forget: () => void, address: string): void {
  /** Set once a hello got its sandbox: an attendee's socket. */
  let attendee: AttendeeSocket | null = null
  /** Set once an instructorHello presented the right key; such a socket has no sandbox. */
  let instructor: InstructorSession | null = null
  let attaching = false
  const greeted = () => attendee !== null || instructor !== null || attaching
  const state = ws as WebSocket & { alive?: boolean }
  state.alive = true
  ws.on('pong', () => (state.alive = true))

  const write = (message: ServerMessage) => writer.write(message)
  // Replies that become ready together (a pipelined paste answered in one
  // TCP read) leave in one frame; anything else flushes them first, so the
  // page sees every message in the order it was produced.
  let batch: Omit<ReplyMessage, 'type'>[] = []
  const flush = () => {
    if (batch.length === 0) return
    const list = batch
    batch = []
    write({ type: 'replies', list })
  }
  const send = (message: ServerMessage) => {
    attendee?.sent(message)
    if (message.type === 'reply') {
      // nextTick runs once the microtask queue, where the whole burst settles, is empty.
      if (batch.length === 0) process.nextTick(flush)
      batch.push({ id: message.id, replies: message.replies, ms: message.ms, ...(message.ran ? { ran: message.ran } : {}) })
      return
    }
    flush()
    write(message)
  }
  const fail = (code: (typeof ERROR_CODES)[keyof typeof ERROR_CODES], message: string) => send({ type: 'error', code, message })
  const wrongVersion = (v: number) =>
    ws.close(
      CLOSE_CODES.versionMismatch,
      reason(`protocol v${v} is not supported; this server speaks v${PROTOCOL_VERSION}, reload the page`)
    )

  const helloTimer = setTimeout(() => {
    if (!greeted()) ws.close(CLOSE_CODES.noHello, 'expected a hello message first')
  }, deps.helloTimeoutMs ?? 10_000)

  ws.on('error', (error) => deps.log(`websocket error: ${error.message}`))
  ws.on('close', () => {
    clearTimeout(helloTimer)
    forget()
    instructor?.close()
    instructor = null
    attendee?.close()
    attendee = null
  })

  // Fair turns on the proxy's own thread: a socket pouring in frames (a 100,000-line paste) is
  // paused after a batch and resumed on the next turn of the event loop, so every other socket's
  // frames and every reply get their turn in between.
  let framesThisTurn = 0
  const takeTurn = () => {
    if (++framesThisTurn === 1) setImmediate(() => (framesThisTurn = 0))
    if (framesThisTurn === FRAMES_PER_TURN) {
      ws.pause()
      setImmediate(() => {
        framesThisTurn = 0
        if (ws.readyState === ws.OPEN) ws.resume()
      })
    }
  }

  ws.on('message', (data: RawData, isBinary: boolean) => {
    takeTurn()
    if (isBinary) {
      fail(ERROR_CODES.badFrame, 'binary frames are not part of the protocol; send JSON text')
      return
    }
    const parsed = parseClientMessage(data.toString())
    if (!parsed.ok) {
      fail(parsed.code, parsed.message)
      return
    }
    const message = parsed.message
    switch (message.type) {
      case 'hello': {
        if (greeted()) return fail(ERROR_CODES.badFrame, 'hello was already received')
        if (message.v !== PROTOCOL_VERSION) return wrongVersion(message.v)
        attaching = true
        deps.registry
          .attach(message.token, address)
          .then((lease) => {
            attaching = false
            if (ws.readyState !== ws.OPEN) {
              // Gone while the sandbox was being found: the lease is still handed back.
              void deps.registry.connectionClosed(lease.users.db)
              return
            }
            attendee = new AttendeeSocket(deps, lease, message, send, () => writer.drained())
          })
          .catch((error: Error) => {
            attaching = false
            const text =
              error instanceof SandboxUnavailableError
                ? `No sandbox is free: ${error.message}`
                : `The playground cannot reach Valkey right now (${error.message}).`
            deps.log(`sandbox attach failed: ${error.message}`)
            send({ type: 'notice', level: 'error', text })
            ws.close(CLOSE_CODES.sandboxUnavailable, reason(text))
          })
        return
      }
      case 'instructorHello':
        if (greeted()) return fail(ERROR_CODES.badFrame, 'hello was already received')
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
      case 'resetSandbox':
      case 'stuckRules':
        if (!instructor) return fail(ERROR_CODES.forbidden, `'${message.type}' is for the instructor page only`)
        return instructor.handle(message)
      case 'setName':
      case 'screen':
        if (!attendee) return fail(ERROR_CODES.notReady, 'send hello and wait for welcome first')
        return attendee.room(message)
      case 'command':
      case 'commands':
        if (!attendee) return fail(ERROR_CODES.notReady, 'send hello and wait for welcome before commands')
        return attendee.commands(message.type === 'command' ? [message] : message.list)
      case 'watchKeys':
      case 'openKey':
      case 'moreFields':
        // On an instructor's socket these read the sandbox being watched.
        if (instructor) return instructor.inspect(message)
        if (!attendee) return fail(ERROR_CODES.notReady, 'send hello and wait for welcome before inspecting')
        return attendee.inspect(message)
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
  })
}
