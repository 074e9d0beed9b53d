/**
 * @module The instructor page's connection: instructorHello with the key, the room's messages, the
 * watch, and the actions.
 *
 * A wrong key ends it for good (state 'refused'): guessing again would only count against this
 * address. Any other drop reconnects with backoff; the server then sends the whole room again, and a
 * watch that was open is asked for again.
 */
import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  isInspectorMessage,
  isInstructorMessage,
  type InspectorMessage,
  type InspectorRequest,
  type InstructorServerMessage,
  type StuckRules,
} from '../protocol/index.ts'
import { Emitter } from './Emitter.ts'
import { backoff, ReconnectingSocket, type SocketFactory, type SocketStatus } from './ReconnectingSocket.ts'

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

export type InstructorConnectionOptions = {
  /** The playground's WebSocket URL (`ws://host/ws`). */
  url: string
  WebSocket: SocketFactory
  /** The instructor key (from the instructor URL). */
  key: string
}

/** The socket's status as the instructor page tells it: a close that is not retried can only be a refused key. */
function instructorStatus(status: SocketStatus): InstructorStatus {
  switch (status.state) {
    case 'connecting':
    case 'open':
      return { state: status.state }
    case 'closed':
      return { state: status.retryInMs === null ? 'refused' : 'closed', reason: status.reason }
  }
}

export class InstructorConnection {
  readonly #events = new Emitter<Listeners>()
  readonly #socket: ReconnectingSocket<object>
  #status: InstructorStatus = { state: 'connecting' }
  /** The attendee being watched, asked for again after a reconnect. */
  #watching: string | null = null

  constructor({ url, WebSocket, key }: InstructorConnectionOptions) {
    this.#socket = new ReconnectingSocket<object>({
      url,
      WebSocket,
      hello: () => ({ type: 'instructorHello', v: PROTOCOL_VERSION, key }),
      receive: (message) => {
        if (message.type === 'instructorWelcome') {
          // The watch first: inspector requests made on 'open' read the watched sandbox.
          if (this.#watching !== null) this.#socket.send({ type: 'watchAttendee', attendee: this.#watching })
          this.#socket.opened({})
        }
        if (isInstructorMessage(message)) this.#events.emit('room', message)
        else if (isInspectorMessage(message)) this.#events.emit('inspector', message)
      },
      status: (status) => {
        this.#status = instructorStatus(status)
        this.#events.emit('status', this.#status)
      },
      retryAfter: (code, attempt) => (code === CLOSE_CODES.badInstructorKey ? null : backoff(attempt)),
    })
  }

  get status(): InstructorStatus {
    return this.#status
  }

  on<K extends keyof Listeners>(event: K, listener: Listeners[K]): () => void {
    return this.#events.on(event, listener)
  }

  start(): void {
    this.#socket.start()
  }

  stop(): void {
    this.#socket.stop()
  }

  watch(attendee: string | null): void {
    this.#watching = attendee
    this.#socket.send({ type: 'watchAttendee', attendee })
  }

  broadcast(text: string, mission: string | null, step: string | null): boolean {
    return this.#socket.send({ type: 'broadcast', text, mission, step })
  }

  /** Takes the current announcement back, for every attendee and every later joiner. */
  withdrawAnnouncement(): boolean {
    return this.#socket.send({ type: 'withdrawAnnouncement' })
  }

  /** Lowers an attendee's "I need help" flag. */
  clearHelp(attendee: string): boolean {
    return this.#socket.send({ type: 'clearHelp', attendee })
  }

  resetSandbox(attendee: string): boolean {
    return this.#socket.send({ type: 'resetSandbox', attendee })
  }

  setRules(rules: StuckRules): boolean {
    return this.#socket.send({ type: 'stuckRules', rules })
  }

  /** Inspector requests; on this socket they read the watched attendee's sandbox. */
  inspect(message: InspectorRequest): boolean {
    return this.#status.state === 'open' && this.#socket.send(message)
  }
}
