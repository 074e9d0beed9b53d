/**
 * @module The page's WebSocket to the proxy: handshake, commands, reconnects.
 *
 * Only this file touches `WebSocket`; the useProxySocket hook owns its
 * lifetime. The sandbox token is kept in localStorage, so a reload (or a
 * reconnect after a wifi drop) returns to the same sandbox.
 *
 * A command whose reply had not arrived when the socket dropped is reported
 * as failed (it may or may not have run); commands entered while
 * disconnected wait and are sent once the connection is back.
 */
import {
  CLOSE_CODES,
  type Announcement,
  PROTOCOL_VERSION,
  type ClientMessage,
  type InspectorMessage,
  type MissionOpenMessage,
  type MissionProgressMessage,
  type MissionResetMessage,
  type InspectorRequest,
  type ServerInfo,
  type ServerMessage,
} from '../../../common/protocol/index.ts'
import type { CommandResult, Transport } from '../../../common/cli/LineRunner.ts'
import type { Reply } from '../../../common/protocol/index.ts'

export type ConnectionStatus =
  | { state: 'connecting'; attempt: number }
  | { state: 'open'; server: ServerInfo; resumed: boolean; fresh: boolean }
  | { state: 'closed'; reason: string; retryInMs: number | null }

type Listeners = {
  status: (status: ConnectionStatus) => void
  push: (reply: Reply) => void
  mode: (subscribed: boolean) => void
  /** Live inspector data: key list, opened key, field changes, keyspace events. */
  inspector: (message: InspectorMessage) => void
  notice: (text: string, level: 'info' | 'warn' | 'error') => void
  /** Mission progress of this sandbox, and the open mission's checks. */
  missions: (message: MissionProgressMessage) => void
  /** The instructor's announcement (also the current one, right after connecting). */
  announcement: (announcement: Announcement) => void
  /** The instructor started or stopped watching this terminal. */
  watched: (on: boolean) => void
  /** Who this attendee is in the room: the number of the default name, and the name the server has. */
  attendee: (number: number, name: string | null) => void
}

type Pending = { args: string[]; resolve: (result: CommandResult) => void; reject: (error: Error) => void }

export type TokenStore = { get(): string | null; set(token: string): void }

/** The display name the attendee chose, kept in the browser like the token. */
export type NameStore = { get(): string | null; set(name: string | null): void }

export const localNameStore: NameStore = {
  get: () => {
    try {
      return localStorage.getItem('valkey-playground:name')
    } catch {
      return null
    }
  },
  set: (name) => {
    try {
      if (name === null) localStorage.removeItem('valkey-playground:name')
      else localStorage.setItem('valkey-playground:name', name)
    } catch {
      // As for the token: without storage the name lasts for this page only.
    }
  },
}

export const localTokenStore: TokenStore = {
  get: () => {
    try {
      return localStorage.getItem('valkey-playground:token')
    } catch {
      return null
    }
  },
  set: (token) => {
    try {
      localStorage.setItem('valkey-playground:token', token)
    } catch {
      // Storage can be unavailable (some private modes); the sandbox then lasts for this page only.
    }
  },
}

const PING_EVERY_MS = 20_000
const PONG_WITHIN_MS = 10_000
/** Commands in flight at most; more wait here (the server refuses beyond LIMITS.maxInFlight). */
const WINDOW = 2048
/**
 * A frame carries at most this many commands, or about this many bytes. A
 * full frame leaves at once, so the server works on the start of a long
 * paste while the page is still reading the rest.
 */
const FRAME_COMMANDS = 128
const FRAME_BYTES = 256 * 1024

export class ProxyConnection implements Transport {
  #socket: WebSocket | null = null
  #status: ConnectionStatus = { state: 'connecting', attempt: 0 }
  #nextId = 1
  /** Sent, awaiting a reply. */
  #inFlight = new Map<number, Pending>()
  /** Not sent yet: entered while disconnected, or beyond the in-flight window. */
  #waiting: Pending[] = []
  /** Sent in this tick; leaves as one frame (a paste becomes a few frames, not thousands). */
  #outbox: { id: number; args: string[] }[] = []
  #listeners: { [K in keyof Listeners]: Set<Listeners[K]> } = {
    status: new Set(),
    push: new Set(),
    mode: new Set(),
    notice: new Set(),
    inspector: new Set(),
    missions: new Set(),
    announcement: new Set(),
    watched: new Set(),
    attendee: new Set(),
  }
  #attempt = 0
  #retryTimer: ReturnType<typeof setTimeout> | undefined
  #pingTimer: ReturnType<typeof setInterval> | undefined
  #pongTimer: ReturnType<typeof setTimeout> | undefined
  #stopped = false

  constructor(
    private readonly url: string,
    private readonly tokens: TokenStore = localTokenStore,
    private readonly names: NameStore = localNameStore
  ) {}

  get status(): ConnectionStatus {
    return this.#status
  }

  on<K extends keyof Listeners>(event: K, listener: Listeners[K]): () => void {
    this.#listeners[event].add(listener)
    return () => this.#listeners[event].delete(listener)
  }

  start(): void {
    this.#stopped = false
    this.#connect()
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#retryTimer)
    this.#stopHeartbeat()
    this.#socket?.close(1000, 'page closed')
    this.#socket = null
  }

  run(args: string[]): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      const pending: Pending = { args, resolve, reject }
      if (this.#status.state === 'open' && this.#waiting.length === 0 && this.#inFlight.size < WINDOW) this.#send(pending)
      else this.#waiting.push(pending)
    })
  }

  cancel(): void {
    this.#post({ type: 'cancel' })
  }

  /** Asks for inspector data; false when not connected (ask again on the next 'open'). */
  inspect(message: InspectorRequest): boolean {
    if (this.#status.state !== 'open') return false
    return this.#post(message)
  }

  /** Tells the server which mission the page shows, or resets one; false when not connected. */
  mission(message: MissionOpenMessage | MissionResetMessage): boolean {
    if (this.#status.state !== 'open') return false
    return this.#post(message)
  }

  /** The attendee's display name (null: the default); kept for the next connection too. */
  setName(name: string | null): void {
    this.names.set(name)
    this.#post({ type: 'setName', name })
  }

  /** Terminal output for the instructor's watch (sent only while `watched` is on). */
  screen(data: string, cols: number, rows: number, reset: boolean): boolean {
    return this.#post({ type: 'screen', data, cols, rows, reset })
  }

  // ------------------------------------------------------------ internals

  #emit<K extends keyof Listeners>(event: K, ...args: Parameters<Listeners[K]>): void {
    for (const listener of this.#listeners[event]) (listener as (...a: Parameters<Listeners[K]>) => void)(...args)
  }

  #setStatus(status: ConnectionStatus): void {
    this.#status = status
    this.#emit('status', status)
  }

  #post(message: ClientMessage): boolean {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false
    this.#socket.send(JSON.stringify(message))
    return true
  }

  #send(pending: Pending): void {
    const id = this.#nextId++
    this.#inFlight.set(id, pending)
    if (this.#outbox.length === 0) queueMicrotask(() => this.#flush())
    this.#outbox.push({ id, args: pending.args })
    if (this.#outbox.length >= FRAME_COMMANDS) this.#flush()
  }

  #flush(): void {
    while (this.#outbox.length > 0) {
      let bytes = 0
      let count = 0
      while (count < this.#outbox.length && count < FRAME_COMMANDS && (count === 0 || bytes < FRAME_BYTES)) {
        for (const arg of this.#outbox[count]!.args) bytes += arg.length
        count++
      }
      const list = this.#outbox.splice(0, count)
      this.#post(list.length === 1 ? { type: 'command', ...list[0]! } : { type: 'commands', list })
    }
  }

  /** Sends waiting commands while the window has room. */
  #sendWaiting(): void {
    while (this.#waiting.length > 0 && this.#inFlight.size < WINDOW && this.#status.state === 'open') {
      this.#send(this.#waiting.shift()!)
    }
  }

  #connect(): void {
    this.#setStatus({ state: 'connecting', attempt: this.#attempt })
    let socket: WebSocket
    try {
      socket = new WebSocket(this.url)
    } catch (error) {
      this.#closed(`cannot open ${this.url}: ${(error as Error).message}`, 1006)
      return
    }
    this.#socket = socket
    socket.onopen = () => {
      this.#post({ type: 'hello', v: PROTOCOL_VERSION, token: this.tokens.get(), name: this.names.get() })
      this.#startHeartbeat()
    }
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') this.#receive(JSON.parse(event.data) as ServerMessage)
    }
    socket.onclose = (event) => {
      if (this.#socket === socket) this.#closed(event.reason || 'connection lost', event.code)
    }
  }

  #receive(message: ServerMessage): void {
    switch (message.type) {
      case 'welcome': {
        this.#attempt = 0
        this.tokens.set(message.token)
        this.#setStatus({ state: 'open', server: message.server, resumed: message.resumed, fresh: message.fresh })
        this.#sendWaiting()
        return
      }
      case 'reply':
        this.#settle(message)
        this.#sendWaiting()
        return
      case 'replies':
        for (const item of message.list) this.#settle(item)
        this.#sendWaiting()
        return
      case 'push':
        return this.#emit('push', message.reply)
      case 'mode':
        return this.#emit('mode', message.subscribed)
      case 'notice':
        return this.#emit('notice', message.text, message.level)
      case 'error':
        return this.#emit('notice', `The playground server rejected a message: ${message.message}`, 'error')
      case 'pong':
        clearTimeout(this.#pongTimer)
        return
      case 'keys':
      case 'keysPage':
      case 'keyChanged':
      case 'keyView':
      case 'fieldsPage':
      case 'itemsPage':
      case 'fieldsChanged':
      case 'valueMatches':
      case 'keyEvents':
      case 'databases':
      case 'inspectorDb':
      case 'live':
        return this.#emit('inspector', message)
      case 'missionProgress':
        return this.#emit('missions', message)
      case 'announcement':
        return this.#emit('announcement', message.announcement)
      case 'watched':
        return this.#emit('watched', message.on)
      case 'attendee':
        return this.#emit('attendee', message.number, message.name)
      case 'instructorWelcome':
      case 'room':
      case 'roomChanged':
      case 'stuckRulesChanged':
      case 'watching':
      case 'watchScreen':
      case 'watchViewing':
      case 'instructorDone':
        // The instructor page's messages; the server never sends them to an attendee socket.
        return
      default: {
        const unreachable: never = message
        return unreachable
      }
    }
  }

  #settle(answer: { id: number; replies: Reply[]; ms: number; ran?: string[] }): void {
    const pending = this.#inFlight.get(answer.id)
    this.#inFlight.delete(answer.id)
    pending?.resolve({ replies: answer.replies, ms: answer.ms, ...(answer.ran ? { ran: answer.ran } : {}) })
  }

  #closed(reason: string, code: number): void {
    this.#stopHeartbeat()
    this.#socket = null
    const lost = new Error('Server closed the connection')
    for (const pending of this.#inFlight.values()) pending.reject(lost)
    this.#inFlight.clear()
    this.#outbox = []
    if (this.#stopped) return
    if (code === CLOSE_CODES.versionMismatch) {
      this.#setStatus({ state: 'closed', reason, retryInMs: null })
      return
    }
    // Back off, with jitter so a room full of browsers does not reconnect in step.
    const base = code === CLOSE_CODES.sandboxUnavailable ? 10_000 : Math.min(250 * 2 ** this.#attempt, 8000)
    const delay = Math.round(base * (1 + Math.random() * 0.3))
    this.#attempt++
    this.#setStatus({ state: 'closed', reason, retryInMs: delay })
    this.#retryTimer = setTimeout(() => this.#connect(), delay)
  }

  #startHeartbeat(): void {
    this.#stopHeartbeat()
    this.#pingTimer = setInterval(() => {
      if (!this.#post({ type: 'ping', t: Date.now() })) return
      // No pong in time: the network is gone even if the socket does not know
      // yet (a closing handshake could take minutes on a dead link).
      this.#pongTimer = setTimeout(() => {
        const socket = this.#socket
        this.#socket = null
        socket?.close()
        this.#closed('no answer from the server', 1006)
      }, PONG_WITHIN_MS)
    }, PING_EVERY_MS)
  }

  #stopHeartbeat(): void {
    clearInterval(this.#pingTimer)
    clearTimeout(this.#pongTimer)
  }
}
