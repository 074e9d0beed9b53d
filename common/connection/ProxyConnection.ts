/**
 * @module The attendee's connection to the playground: hello with the sandbox token, the terminal's
 * commands (CommandPipeline), the messages each part of the page listens for, and the verbs the
 * panels send. The page makes one, on the browser's WebSocket; the integration tests and the
 * benchmarks make theirs on the ws package's, so they go through what a browser goes through.
 *
 * The sandbox token and the chosen name are kept in the stores given (localStorage in the page), so a
 * reload, or a reconnect after a wifi drop, returns to the same sandbox under the same name.
 */
import type { CommandResult, Transport } from '../cli/LineRunner.ts'
import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  type Announcement,
  type InspectorMessage,
  type InspectorRequest,
  type MissionOpenMessage,
  type MissionProgressMessage,
  type MissionResetMessage,
  type Reply,
  type ServerInfo,
  type ServerMessage,
} from '../protocol/index.ts'
import { CommandPipeline } from './CommandPipeline.ts'
import { Emitter } from './Emitter.ts'
import { backoff, ReconnectingSocket, type SocketFactory, type SocketStatus } from './ReconnectingSocket.ts'
import type { NameStore, TokenStore } from './stores.ts'

/** What welcome said: which server, and whether this is the sandbox the token named. */
export type Welcome = { server: ServerInfo; resumed: boolean; fresh: boolean; sandbox?: number }

export type ConnectionStatus = SocketStatus<Welcome>

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
  /** Whether this attendee's "I need help" flag is up (after connecting, and on every change). */
  help: (on: boolean) => void
  /** The instructor started or stopped watching this terminal. */
  watched: (on: boolean) => void
  /** Who this attendee is in the room: the number of the default name, and the name the server has. */
  attendee: (number: number, name: string | null) => void
}

export type ProxyConnectionOptions = {
  /** The playground's WebSocket URL (`ws://host/ws`). */
  url: string
  WebSocket: SocketFactory
  tokens: TokenStore
  names: NameStore
  /**
   * Keep received messages until release(): for a connection started before the page's panels
   * exist, so none of them misses what the server sends on connect. The welcome passes, and so do
   * the replies to commands: the one waiting for them is this connection's own pipeline, so a
   * command typed before the last panels listen is answered at once.
   */
  holdMessages?: boolean
}

/** What a holding connection passes on at once (holdMessages). */
const PASS_WHILE_HOLDING: ReadonlySet<ServerMessage['type']> = new Set(['welcome', 'pong', 'reply', 'replies'])

export class ProxyConnection implements Transport {
  readonly #events = new Emitter<Listeners>()
  readonly #socket: ReconnectingSocket<Welcome>
  readonly #commands: CommandPipeline
  readonly #tokens: TokenStore
  readonly #names: NameStore
  /** Messages kept until release() (null: passed on as they come). */
  #held: ServerMessage[] | null

  constructor({ url, WebSocket, tokens, names, holdMessages = false }: ProxyConnectionOptions) {
    this.#held = holdMessages ? [] : null
    this.#tokens = tokens
    this.#names = names
    this.#socket = new ReconnectingSocket<Welcome>({
      url,
      WebSocket,
      hello: () => ({ type: 'hello', v: PROTOCOL_VERSION, token: tokens.get(), name: names.get() }),
      receive: (message) => this.#receive(message),
      status: (status) => this.#events.emit('status', status),
      dropped: () => this.#commands.dropped(),
      // A newer server than this page never accepts it: reload rather than retry. No free sandbox
      // now: ask again in a while, not at once. The bookkeeping server being down (a restart, a
      // failover) passes in seconds: the usual back-off gets the page in soon after it is back.
      retryAfter: (code, attempt) =>
        code === CLOSE_CODES.versionMismatch ? null : code === CLOSE_CODES.sandboxUnavailable ? 10_000 : backoff(attempt),
      heartbeat: { everyMs: 20_000, withinMs: 10_000 },
    })
    this.#commands = new CommandPipeline(
      (message) => this.#socket.send(message),
      () => this.status.state === 'open'
    )
  }

  get status(): ConnectionStatus {
    return this.#socket.status
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

  /** Passes on the messages held so far (holdMessages), in order, and every later one as it comes. */
  release(): void {
    const held = this.#held
    this.#held = null
    held?.forEach((message) => this.#receive(message))
  }

  run(args: string[]): Promise<CommandResult> {
    return this.#commands.run(args)
  }

  cancel(): void {
    this.#socket.send({ type: 'cancel' })
  }

  /** Asks for inspector data; false when not connected (ask again on the next 'open'). */
  inspect(message: InspectorRequest): boolean {
    return this.status.state === 'open' && this.#socket.send(message)
  }

  /** Tells the server which mission the page shows, or resets one; false when not connected. */
  mission(message: MissionOpenMessage | MissionResetMessage): boolean {
    return this.status.state === 'open' && this.#socket.send(message)
  }

  /** The attendee's display name (null: the default); kept for the next connection too. */
  setName(name: string | null): void {
    this.#names.set(name)
    this.#socket.send({ type: 'setName', name })
  }

  /** Raises (true) or lowers the attendee's "I need help" flag; false when not connected. */
  askHelp(on: boolean): boolean {
    return this.status.state === 'open' && this.#socket.send({ type: 'askHelp', on })
  }

  /** Terminal output for the instructor's watch (sent only while `watched` is on). */
  screen(data: string, cols: number, rows: number, reset: boolean): boolean {
    return this.#socket.send({ type: 'screen', data, cols, rows, reset })
  }

  #receive(message: ServerMessage): void {
    if (this.#held && !PASS_WHILE_HOLDING.has(message.type)) {
      this.#held.push(message)
      return
    }
    switch (message.type) {
      case 'welcome':
        this.#tokens.set(message.token)
        this.#socket.opened({
          server: message.server,
          resumed: message.resumed,
          fresh: message.fresh,
          ...(message.sandbox === undefined ? {} : { sandbox: message.sandbox }),
        })
        this.#commands.resume()
        return
      case 'reply':
        return this.#commands.answered([message])
      case 'replies':
        return this.#commands.answered(message.list)
      case 'push':
        return this.#events.emit('push', message.reply)
      case 'mode':
        return this.#events.emit('mode', message.subscribed)
      case 'notice':
        return this.#events.emit('notice', message.text, message.level)
      case 'error':
        return this.#events.emit('notice', `The playground server rejected a message: ${message.message}`, 'error')
      case 'pong':
        // The heartbeat's (ReconnectingSocket).
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
      case 'keySearch':
      case 'serverView':
        return this.#events.emit('inspector', message)
      case 'missionProgress':
        return this.#events.emit('missions', message)
      case 'announcement':
        return this.#events.emit('announcement', message.announcement)
      case 'watched':
        return this.#events.emit('watched', message.on)
      case 'helpState':
        return this.#events.emit('help', message.on)
      case 'attendee':
        return this.#events.emit('attendee', message.number, message.name)
      case 'instructorWelcome':
      case 'room':
      case 'roomChanged':
      case 'stuckRulesChanged':
      case 'announcementChanged':
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
}
