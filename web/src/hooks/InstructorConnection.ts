/**
 * @module The instructor page's WebSocket: instructorHello with the key, the room's messages,
 * the watch, and the actions. The useInstructorSocket hook owns its lifetime.
 *
 * A wrong key ends it for good (state 'refused'): guessing again would only count against this
 * address. Any other drop reconnects with backoff; the server then sends the whole room again,
 * and a watch that was open is asked for again.
 */
import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  type ClientMessage,
  type InspectorMessage,
  isInspectorMessage,
  isInstructorMessage,
  type InstructorServerMessage,
  type InspectorRequest,
  type ServerMessage,
  type StuckRules,
} from '../../../common/protocol/index.ts'

export type InstructorStatus =
  | { state: 'connecting' }
  | { state: 'open' }
  | { state: 'closed'; reason: string }
  /** The key was not accepted. */
  | { state: 'refused'; reason: string }

type Listeners = {
  status: (status: InstructorStatus) => void
  /** Everything for the grid and the watch (room, changes, rules, screen, acknowledgements). */
  room: (message: InstructorServerMessage) => void
  /** The watched sandbox's inspector data. */
  inspector: (message: InspectorMessage) => void
}

export class InstructorConnection {
  #socket: WebSocket | null = null
  #status: InstructorStatus = { state: 'connecting' }
  #listeners: { [K in keyof Listeners]: Set<Listeners[K]> } = { status: new Set(), room: new Set(), inspector: new Set() }
  #attempt = 0
  #retryTimer: ReturnType<typeof setTimeout> | undefined
  #stopped = false
  /** The attendee being watched, asked for again after a reconnect. */
  #watching: string | null = null

  constructor(
    private readonly url: string,
    private readonly key: string
  ) {}

  get status(): InstructorStatus {
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
    this.#socket?.close(1000, 'page closed')
    this.#socket = null
  }

  watch(attendee: string | null): void {
    this.#watching = attendee
    this.#post({ type: 'watchAttendee', attendee })
  }

  broadcast(text: string, mission: string | null, step: string | null): boolean {
    return this.#post({ type: 'broadcast', text, mission, step })
  }

  resetSandbox(attendee: string): boolean {
    return this.#post({ type: 'resetSandbox', attendee })
  }

  setRules(rules: StuckRules): boolean {
    return this.#post({ type: 'stuckRules', rules })
  }

  /** Inspector requests; on this socket they read the watched attendee's sandbox. */
  inspect(message: InspectorRequest): boolean {
    return this.#status.state === 'open' && this.#post(message)
  }

  #emit<K extends keyof Listeners>(event: K, ...args: Parameters<Listeners[K]>): void {
    for (const listener of this.#listeners[event]) (listener as (...a: Parameters<Listeners[K]>) => void)(...args)
  }

  #setStatus(status: InstructorStatus): void {
    this.#status = status
    this.#emit('status', status)
  }

  #post(message: ClientMessage): boolean {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false
    this.#socket.send(JSON.stringify(message))
    return true
  }

  #connect(): void {
    this.#setStatus({ state: 'connecting' })
    const socket = new WebSocket(this.url)
    this.#socket = socket
    socket.onopen = () => this.#post({ type: 'instructorHello', v: PROTOCOL_VERSION, key: this.key })
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return
      const message = JSON.parse(event.data) as ServerMessage
      if (message.type === 'instructorWelcome') {
        this.#attempt = 0
        // The watch first: inspector requests made on 'open' read the watched sandbox.
        if (this.#watching !== null) this.#post({ type: 'watchAttendee', attendee: this.#watching })
        this.#setStatus({ state: 'open' })
      }
      if (isInstructorMessage(message)) this.#emit('room', message)
      else if (isInspectorMessage(message)) this.#emit('inspector', message)
    }
    socket.onclose = (event) => {
      if (this.#socket !== socket) return
      this.#socket = null
      if (this.#stopped) return
      if (event.code === CLOSE_CODES.badInstructorKey) {
        this.#setStatus({ state: 'refused', reason: event.reason || 'the instructor key was not accepted' })
        return
      }
      const delay = Math.round(Math.min(250 * 2 ** this.#attempt, 8000) * (1 + Math.random() * 0.3))
      this.#attempt++
      this.#setStatus({ state: 'closed', reason: event.reason || 'connection lost' })
      this.#retryTimer = setTimeout(() => this.#connect(), delay)
    }
  }
}
