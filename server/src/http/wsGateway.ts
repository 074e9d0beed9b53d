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
  type ServerInfo,
  type ServerMessage,
} from '../protocol.ts'
import { SandboxUnavailableError, type SandboxRegistry } from '../sandbox/SandboxRegistry.ts'
import type { PatternBook } from '../sandbox/PatternBook.ts'
import type { ScriptBook } from '../sandbox/ScriptBook.ts'
import { TerminalSession } from '../sandbox/TerminalSession.ts'
import { FrameWriter } from './FrameWriter.ts'
import { clientAddress } from './clientAddress.ts'
import { InspectorSession } from '../inspector/InspectorSession.ts'
import { KeyReader } from '../inspector/KeyReader.ts'
import type { KeyspaceWatcher } from '../inspector/KeyspaceWatcher.ts'
import type { LuaMemoryBrake } from '../sandbox/LuaMemoryBrake.ts'
import type { MemoryQuota } from '../sandbox/MemoryQuota.ts'
import type { AdminClient } from '../valkey/adminClient.ts'
import type { MissionCatalog } from '../missions/MissionCatalog.ts'
import { MissionSession } from '../missions/MissionSession.ts'
import type { ProgressStore } from '../missions/ProgressStore.ts'
import type { InstructorKey } from '../instructor/InstructorKey.ts'
import { InstructorSession } from '../instructor/InstructorSession.ts'
import type { AttendeeHandle, Room } from '../instructor/Room.ts'

export type GatewayDeps = {
  registry: SandboxRegistry
  admin: AdminClient
  patterns: PatternBook
  watcher: KeyspaceWatcher
  missions: MissionCatalog
  progress: ProgressStore
  /** The instructor's grid; instructor sockets must present `instructorKey`. */
  room: Room
  instructorKey: InstructorKey
  valkey: () => { host: string; port: number }
  serverInfo: () => ServerInfo
  allowedOrigins: string[]
  /** Reverse proxies whose X-Forwarded-For is believed (clientAddress). */
  trustedProxies?: string[]
  scriptTimeoutMs: number
  /** Kills and restarts the embedded Valkey from disk (a script that cannot be stopped); null without one. */
  restartValkey: (() => boolean) | null
  scripts: ScriptBook
  /** Each sandbox's memory quota; null when off. */
  quota: MemoryQuota | null
  luaBrake: LuaMemoryBrake | null
  helloTimeoutMs?: number
  heartbeatMs?: number
  log: (message: string) => void
}

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

/** Commands after which the inspector reads everything again: they change keys without notifications. */
const FLUSHES = new Set(['FLUSHDB', 'FLUSHALL'])

function handleSocket(ws: WebSocket, writer: FrameWriter, deps: GatewayDeps, forget: () => void, address: string): void {
  let session: TerminalSession | null = null
  let inspector: InspectorSession | null = null
  let missions: MissionSession | null = null
  /** This socket's row in the instructor's room (attendee sockets only). */
  let attendee: AttendeeHandle | null = null
  /** Set once an instructorHello presented the right key; such a socket has no sandbox. */
  let instructor: InstructorSession | null = null
  /** Arguments of commands awaiting replies, kept only while a mission is open (for its `ran` checks). */
  const commandArgs = new Map<number, string[]>()
  const stopListening: (() => void)[] = []
  /** Reply ids after which the inspector resyncs (a flush, or the EXEC of a queued flush). */
  const resyncAfter = new Set<number>()
  let flushQueued = false
  let attaching = false
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
    attendee?.observe(message)
    if (message.type === 'reply') {
      if (resyncAfter.delete(message.id)) {
        inspector?.resynced()
        attendee?.flushed()
      }
      const args = commandArgs.get(message.id)
      if (args) {
        commandArgs.delete(message.id)
        missions?.commandReplied(args, message.replies, message.ran)
      }
      // nextTick runs once the microtask queue, where the whole burst settles, is empty.
      if (batch.length === 0) process.nextTick(flush)
      batch.push({ id: message.id, replies: message.replies, ms: message.ms, ...(message.ran ? { ran: message.ran } : {}) })
      return
    }
    flush()
    write(message)
  }
  const fail = (code: (typeof ERROR_CODES)[keyof typeof ERROR_CODES], message: string) => send({ type: 'error', code, message })

  const helloTimer = setTimeout(() => {
    if (!session && !attaching && !instructor) ws.close(CLOSE_CODES.noHello, 'expected a hello message first')
  }, deps.helloTimeoutMs ?? 10_000)

  ws.on('error', (error) => deps.log(`websocket error: ${error.message}`))
  ws.on('close', () => {
    clearTimeout(helloTimer)
    forget()
    for (const stop of stopListening) stop()
    attendee?.leave()
    instructor?.close()
    instructor = null
    inspector?.close()
    inspector = null
    missions?.close()
    missions = null
    if (session) {
      session.close()
      void deps.registry.connectionClosed(session.db)
      session = null
    }
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
        if (session || attaching || instructor) {
          fail(ERROR_CODES.badFrame, 'hello was already received')
          return
        }
        if (message.v !== PROTOCOL_VERSION) {
          ws.close(
            CLOSE_CODES.versionMismatch,
            reason(`protocol v${message.v} is not supported; this server speaks v${PROTOCOL_VERSION}, reload the page`)
          )
          return
        }
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
            session = new TerminalSession({
              valkey: deps.valkey(),
              admin: deps.admin,
              users: lease.users,
              patterns: deps.patterns,
              send,
              scriptTimeoutMs: deps.scriptTimeoutMs,
              restartValkey: deps.restartValkey,
              scripts: deps.scripts,
              quota: deps.quota,
              luaBrake: deps.luaBrake,
              drained: () => writer.drained(),
            })
            const info = deps.serverInfo()
            const reader = new KeyReader(deps.valkey(), lease.users, info.features.hashFieldExpiration)
            inspector = new InspectorSession({ reader, send, log: deps.log })
            missions = new MissionSession({
              catalog: deps.missions,
              store: deps.progress,
              db: lease.users.db,
              server: info,
              query: (args) => reader.query(args),
              send,
              onFlushed: () => inspector?.resynced(),
              log: deps.log,
            })
            const db = lease.users.db
            stopListening.push(
              deps.watcher.listen(db, inspector),
              deps.watcher.listen(db, missions),
              // A key written means the sandbox holds something: it is kept after the tab closes.
              deps.watcher.listen(db, { event: () => deps.registry.markUsed(db) })
            )
            send({
              type: 'welcome',
              v: PROTOCOL_VERSION,
              token: lease.token,
              fresh: lease.fresh && message.token !== null,
              resumed: lease.resumed,
              server: info,
            })
            attendee = deps.room.join(lease, message.name, {
              send,
              sandboxReset: () => {
                missions?.forgetAll()
                inspector?.resynced()
                send({
                  type: 'notice',
                  level: 'warn',
                  text: 'Your instructor reset your sandbox: it is empty, and your missions start over.',
                })
              },
            })
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
        if (session || attaching || instructor) {
          fail(ERROR_CODES.badFrame, 'hello was already received')
          return
        }
        if (message.v !== PROTOCOL_VERSION) {
          ws.close(
            CLOSE_CODES.versionMismatch,
            reason(`protocol v${message.v} is not supported; this server speaks v${PROTOCOL_VERSION}, reload the page`)
          )
          return
        }
        if (!deps.instructorKey.check(message.key, address)) {
          // Said the same way for a wrong key and for too many wrong keys: neither tells a guesser anything.
          ws.close(CLOSE_CODES.badInstructorKey, 'this is not the instructor key; use the instructor URL npm start printed')
          return
        }
        instructor = new InstructorSession({
          room: deps.room,
          watcher: deps.watcher,
          missions: deps.missions,
          valkey: deps.valkey,
          serverInfo: deps.serverInfo,
          send,
          log: deps.log,
        })
        return
      case 'watchAttendee':
      case 'broadcast':
      case 'resetSandbox':
      case 'stuckRules':
        if (!instructor) {
          fail(ERROR_CODES.forbidden, `'${message.type}' is for the instructor page only`)
          return
        }
        instructor.handle(message)
        return
      case 'setName':
      case 'screen':
        if (!attendee) {
          fail(ERROR_CODES.notReady, 'send hello and wait for welcome first')
          return
        }
        if (message.type === 'setName') attendee.setName(message.name)
        else attendee.screen(message)
        return
      case 'command':
      case 'commands':
        if (!session) {
          fail(ERROR_CODES.notReady, 'send hello and wait for welcome before commands')
          return
        }
        for (const { id, args } of message.type === 'command' ? [message] : message.list) {
          inspector?.noteCommand(args)
          if (missions?.listening) {
            // Commands whose replies stream (SUBSCRIBE) never settle here; do not let them pile up.
            if (commandArgs.size >= LIMITS.maxInFlight) commandArgs.clear()
            commandArgs.set(id, args)
          }
          const name = args[0]!.toUpperCase()
          if (FLUSHES.has(name)) {
            resyncAfter.add(id)
            flushQueued = true
          } else if ((name === 'EXEC' || name === 'DISCARD') && flushQueued) {
            resyncAfter.add(id)
            flushQueued = false
          }
          session.command(id, args)
        }
        return
      case 'watchKeys':
      case 'openKey':
      case 'moreFields':
        if (instructor) {
          instructor.inspect(message)
          return
        }
        if (!inspector) {
          fail(ERROR_CODES.notReady, 'send hello and wait for welcome before inspecting')
          return
        }
        if (message.type === 'watchKeys') inspector.watchKeys(message.pattern)
        else if (message.type === 'openKey') inspector.openKey(message.key, message.match)
        else inspector.moreFields(message.key, message.cursor)
        return
      case 'missionOpen':
      case 'missionReset':
        if (!missions) {
          fail(ERROR_CODES.notReady, 'send hello and wait for welcome before opening missions')
          return
        }
        if (message.type === 'missionOpen') missions.open(message.id)
        else missions.reset(message.id)
        return
      case 'cancel':
        session?.cancel().catch((error: Error) => deps.log(`cancel failed: ${error.message}`))
        return
      case 'ping':
        send({ type: 'pong', t: message.t })
        return
      default: {
        const unreachable: never = message
        return unreachable
      }
    }
  })
}
