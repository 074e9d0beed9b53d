/**
 * @module One WebSocket to the playground that comes back by itself: its status, reconnecting with
 * backoff and jitter, the heartbeat, and the open/close lifecycle. The attendee's and the instructor's
 * connections are built on it; what they say (their hello, their messages) is theirs.
 *
 * Runs in the page and in Node alike: the WebSocket class is passed in (the browser's, or the ws
 * package's), so nothing here needs the DOM or Node.
 */
import type { ClientMessage, ServerMessage } from '../protocol/index.ts'

/**
 * A handler whose parameter is checked both ways (the way React's own types do it), so the
 * browser's handlers (which take a DOM Event) and ws's (its own event types) both fit.
 */
type Handler<E> = { bivariant(event: E): void }['bivariant']

/** The part of a WebSocket used here; the browser's and the ws package's both have it. */
export type SocketLike = {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: Handler<unknown> | null
  onmessage: Handler<{ data: unknown }> | null
  onclose: Handler<{ code: number; reason: string }> | null
}

/** The WebSocket class: the browser's `WebSocket` in the page, `WebSocket` from the ws package in Node. */
export type SocketFactory = new (url: string) => SocketLike

/** WebSocket.OPEN: the same number in every implementation. */
const OPEN = 1

/**
 * Where the connection is. 'open' means the server said welcome (not merely that the socket opened),
 * and carries what the welcome said; `retryInMs` null means it stays closed.
 */
export type SocketStatus<Open extends object = object> =
  | { state: 'connecting'; attempt: number }
  | ({ state: 'open' } & Open)
  | { state: 'closed'; reason: string; code: number; retryInMs: number | null }

export type ReconnectingSocketOptions<Open extends object> = {
  url: string
  WebSocket: SocketFactory
  /** The first message on every new socket: the protocol's hello. */
  hello(): ClientMessage
  /** Every message from the server (the heartbeat's pongs too, already accounted for). */
  receive(message: ServerMessage): void
  /** Every change of status. */
  status(status: SocketStatus<Open>): void
  /** The socket is gone, before the status says so: whatever waited for an answer on it will not get one. */
  dropped?(): void
  /**
   * Milliseconds to wait before the next try after a close with `code` (jitter is added here), or null to
   * stay closed. `attempt` counts the tries since the last welcome.
   */
  retryAfter(code: number, attempt: number): number | null
  /** Ping every `everyMs`; no pong within `withinMs` counts as a lost network. Off when absent. */
  heartbeat?: { everyMs: number; withinMs: number }
}

/** Doubling from a quarter second up to 8 s: the usual wait before trying again. */
export function backoff(attempt: number): number {
  return Math.min(250 * 2 ** attempt, 8000)
}

/** Up to 30% more, so a room full of browsers dropped at once does not come back in step. */
export function withJitter(ms: number, random = Math.random()): number {
  return Math.round(ms * (1 + random * 0.3))
}

/** The close code for a socket that never opened or went silent (as browsers report it). */
const ABNORMAL = 1006

export class ReconnectingSocket<Open extends object> {
  #socket: SocketLike | null = null
  #status: SocketStatus<Open> = { state: 'connecting', attempt: 0 }
  #attempt = 0
  #stopped = false
  #retryTimer: ReturnType<typeof setTimeout> | undefined
  #pingTimer: ReturnType<typeof setInterval> | undefined
  #pongTimer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly options: ReconnectingSocketOptions<Open>) {}

  get status(): SocketStatus<Open> {
    return this.#status
  }

  start(): void {
    this.#stopped = false
    this.#connect()
  }

  /** Closes for good: no status change, no reconnect, nothing reported as dropped. */
  stop(): void {
    this.#stopped = true
    clearTimeout(this.#retryTimer)
    this.#stopHeartbeat()
    this.#socket?.close(1000, 'page closed')
    this.#socket = null
  }

  /** Sends if the socket is open (welcome or not); false when it is not. */
  send(message: ClientMessage): boolean {
    if (this.#socket?.readyState !== OPEN) return false
    this.#socket.send(JSON.stringify(message))
    return true
  }

  /** The server said welcome: the connection is open, and the next drop starts the backoff over. */
  opened(details: Open): void {
    this.#attempt = 0
    this.#setStatus({ state: 'open', ...details })
  }

  #setStatus(status: SocketStatus<Open>): void {
    this.#status = status
    this.options.status(status)
  }

  #connect(): void {
    const { url, WebSocket } = this.options
    this.#setStatus({ state: 'connecting', attempt: this.#attempt })
    let socket: SocketLike
    try {
      socket = new WebSocket(url)
    } catch (error) {
      this.#closed(`cannot open ${url}: ${(error as Error).message}`, ABNORMAL)
      return
    }
    this.#socket = socket
    socket.onopen = () => {
      this.send(this.options.hello())
      this.#startHeartbeat()
    }
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return
      const message = JSON.parse(event.data) as ServerMessage
      if (message.type === 'pong') clearTimeout(this.#pongTimer)
      this.options.receive(message)
    }
    socket.onclose = (event) => {
      if (this.#socket === socket) this.#closed(event.reason || 'connection lost', event.code)
    }
  }

  #closed(reason: string, code: number): void {
    this.#stopHeartbeat()
    this.#socket = null
    this.options.dropped?.()
    if (this.#stopped) return
    const wait = this.options.retryAfter(code, this.#attempt)
    if (wait === null) {
      this.#setStatus({ state: 'closed', reason, code, retryInMs: null })
      return
    }
    const delay = withJitter(wait)
    this.#attempt++
    this.#setStatus({ state: 'closed', reason, code, retryInMs: delay })
    this.#retryTimer = setTimeout(() => this.#connect(), delay)
  }

  #startHeartbeat(): void {
    const { heartbeat } = this.options
    this.#stopHeartbeat()
    if (!heartbeat) return
    this.#pingTimer = setInterval(() => {
      if (!this.send({ type: 'ping', t: Date.now() })) return
      // No pong in time: the network is gone even if the socket does not know yet (a closing
      // handshake could take minutes on a dead link).
      this.#pongTimer = setTimeout(() => {
        const socket = this.#socket
        this.#socket = null
        socket?.close()
        this.#closed('no answer from the server', ABNORMAL)
      }, heartbeat.withinMs)
    }, heartbeat.everyMs)
  }

  #stopHeartbeat(): void {
    clearInterval(this.#pingTimer)
    clearTimeout(this.#pongTimer)
  }
}
