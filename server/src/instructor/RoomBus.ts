/**
 * @module The room's subscriber connection to the control Valkey: the channel every process
 * hears, and this process's own channel. Each time it is subscribed again (at start, and after
 * the connection dropped, e.g. the control server restarted) it says so: messages published
 * meanwhile were lost, so the room takes a new snapshot then.
 */
import type { AdminClient } from '../valkey/adminClient.ts'
import { directChannel, parseRoomEvent, parseWatchEvent, ROOM_CHANNEL, type RoomEvent, type WatchEvent } from './roomMessages.ts'

export type RoomBusListener = {
  /** Subscribed (again): from now on every message arrives; earlier ones may be lost. */
  subscribed(): void
  event(event: RoomEvent): void
  watchEvent(event: WatchEvent): void
}

export class RoomBus {
  readonly #subscriber: AdminClient
  readonly #direct: string
  #closed = false

  /** Opens its own connection (a duplicate of `control`'s settings); subscribes once connected. */
  constructor(
    control: AdminClient,
    private readonly self: string,
    private readonly listener: RoomBusListener,
    private readonly log: (message: string) => void
  ) {
    this.#direct = directChannel(self)
    // Subscribed by hand on every `ready`, so `subscribed` is said once the server has them.
    this.#subscriber = control.duplicate({ autoResubscribe: false, connectionName: 'playground-room-bus', lazyConnect: true })
    this.#subscriber.on('error', () => undefined) // reconnects by itself
    this.#subscriber.on('ready', () => this.#subscribe())
    this.#subscriber.on('message', (channel: string, text: string) => this.#message(channel, text))
  }

  /** Connects; resolves once connected (the first `subscribed` follows). */
  async start(): Promise<void> {
    await this.#subscriber.connect()
  }

  /** The subscriber connection's state (iovalkey's status). */
  get status(): string {
    return this.#subscriber.status
  }

  /** Drops the connection now, as a lost network would (tests use it); it reconnects by itself. */
  dropConnection(): void {
    this.#subscriber.stream?.destroy()
  }

  close(): void {
    this.#closed = true
    this.#subscriber.disconnect()
  }

  #subscribe(): void {
    this.#subscriber
      .subscribe(ROOM_CHANNEL, this.#direct)
      .then(() => {
        if (!this.#closed) this.listener.subscribed()
      })
      .catch((error: Error) => {
        // The connection dropped again: the next `ready` tries again.
        if (!this.#closed) this.log(`room: could not subscribe to the control Valkey: ${error.message}`)
      })
  }

  #message(channel: string, text: string): void {
    if (channel === this.#direct) {
      const event = parseWatchEvent(text)
      if (event) this.listener.watchEvent(event)
      return
    }
    const event = parseRoomEvent(text)
    if (event && event.from !== this.self) this.listener.event(event)
  }
}
