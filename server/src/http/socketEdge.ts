/**
 * @module What every WebSocket of the server shares, whichever page it serves (the playground's,
 * the instructor's, inspect mode's): the upgrade on /ws with its origin (and, in inspect mode,
 * key) check, one ordered writer per socket, heartbeats, frames parsed and validated once, and the
 * fairness rules between sockets. A router gets each valid message and decides what it means.
 *
 * Nothing a socket sends can throw into the process: bad JSON, unknown types and binary frames
 * get an `error` message; only a wrong protocol version, a missing hello or an oversized frame (ws
 * closes with 1009) end the connection.
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
  type ClientMessage,
  type ErrorCode,
  type ReplyMessage,
  type ServerMessage,
} from '../../../common/protocol/index.ts'
import { clientAddress } from './clientAddress.ts'
import { FrameWriter } from './FrameWriter.ts'

export type Gateway = {
  broadcast(message: ServerMessage): void
  readonly connections: number
  close(): Promise<void>
}

export type EdgeOptions = {
  allowedOrigins: string[]
  /** Reverse proxies whose X-Forwarded-For is believed (clientAddress). */
  trustedProxies?: string[]
  heartbeatMs?: number
  helloTimeoutMs?: number
  /** Inspect mode: the upgrade must carry the page's key (checked before anything else is read). */
  authorize?: (request: IncomingMessage, address: string) => boolean
  log: (message: string) => void
}

/** One socket's way out and its state, as a router sees it. */
export type SocketContext = {
  ws: WebSocket
  address: string
  /** Every message to the page goes through here, in order (replies ready together leave in one frame). */
  send(message: ServerMessage): void
  fail(code: ErrorCode, message: string): void
  /** Closes the socket: the page speaks another protocol version. */
  wrongVersion(v: number): void
  writer: FrameWriter
}

/** A router: is the socket greeted (hello done or under way), what each message means, and the end. */
export type SocketRouter = {
  greeted(): boolean
  message(message: ClientMessage): void
  /** Every message sent passes here first (sessions watch their own replies). */
  sent?(message: ServerMessage): void
  closed(): void
}

/** Close reasons are limited to 123 bytes by the WebSocket protocol. */
export const closeReason = (text: string) => Buffer.from(text).subarray(0, 123).toString()

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

/** How often the server pings every socket (and ends one whose last ping got no pong). */
export const HEARTBEAT_MS = 30_000

/** Frames one socket may have handled before the others get a turn (see takeTurn). */
const FRAMES_PER_TURN = 64

export function attachSocketServer(server: Server, options: EdgeOptions, route: (context: SocketContext) => SocketRouter): Gateway {
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
    if (!originAllowed(request, options.allowedOrigins)) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      return
    }
    if (options.authorize && !options.authorize(request, clientAddress(request, options.trustedProxies ?? []))) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n')
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request))
  })

  /** Every message to a socket goes through its writer, broadcasts too: a large one may be mid-way. */
  const writers = new WeakMap<WebSocket, FrameWriter>()
  wss.on('connection', (ws: WebSocket, request: IncomingMessage) => {
    sockets.add(ws)
    const writer = new FrameWriter(ws, options.log)
    writers.set(ws, writer)
    serveSocket(ws, writer, options, route, clientAddress(request, options.trustedProxies ?? []), () => sockets.delete(ws))
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
  }, options.heartbeatMs ?? HEARTBEAT_MS)
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

function serveSocket(
  ws: WebSocket,
  writer: FrameWriter,
  options: EdgeOptions,
  route: (context: SocketContext) => SocketRouter,
  address: string,
  forget: () => void
): void {
  const state = ws as WebSocket & { alive?: boolean }
  state.alive = true
  ws.on('pong', () => (state.alive = true))

  // Replies that become ready together (a pipelined paste answered in one TCP read) leave in one
  // frame; anything else flushes them first, so the page sees every message in the order it was
  // produced.
  let batch: Omit<ReplyMessage, 'type'>[] = []
  const flush = () => {
    if (batch.length === 0) return
    const list = batch
    batch = []
    writer.write({ type: 'replies', list })
  }
  let router: SocketRouter | null = null
  const send = (message: ServerMessage) => {
    router?.sent?.(message)
    if (message.type === 'reply') {
      // nextTick runs once the microtask queue, where the whole burst settles, is empty.
      if (batch.length === 0) process.nextTick(flush)
      batch.push({ id: message.id, replies: message.replies, ms: message.ms, ...(message.ran ? { ran: message.ran } : {}) })
      return
    }
    flush()
    writer.write(message)
  }
  const fail = (code: ErrorCode, message: string) => send({ type: 'error', code, message })
  const wrongVersion = (v: number) =>
    ws.close(
      CLOSE_CODES.versionMismatch,
      closeReason(`protocol v${v} is not supported; this server speaks v${PROTOCOL_VERSION}, reload the page`)
    )
  const active = route({ ws, address, send, fail, wrongVersion, writer })
  router = active

  const helloTimer = setTimeout(() => {
    if (!active.greeted()) ws.close(CLOSE_CODES.noHello, 'expected a hello message first')
  }, options.helloTimeoutMs ?? 10_000)

  ws.on('error', (error) => options.log(`websocket error: ${error.message}`))
  ws.on('close', () => {
    clearTimeout(helloTimer)
    forget()
    active.closed()
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
    active.message(parsed.message)
  })
}
