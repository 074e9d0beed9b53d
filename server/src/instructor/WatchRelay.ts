/**
 * @module The watch of one attendee: who watches them, which of their sockets streams its screen,
 * the key their inspector shows, and the relay of that screen to the watchers within a byte
 * budget per second.
 */
import type { ServerMessage, WatchScreenMessage } from '../../../common/protocol/index.ts'

/**
 * Terminal output relayed per watched attendee per second. A page that sends more (a flood, or a
 * huge paste's output) has the rest dropped and is asked for a fresh whole screen once the second
 * is over, so the instructor's copy is whole again instead of growing the server's buffers.
 */
export const SCREEN_BYTES_PER_SECOND = 1024 * 1024

/** Someone watching one attendee: gets their screen, and hears when their sandbox was emptied. */
export type Watcher = {
  screen(message: WatchScreenMessage): void
  sandboxEmptied(): void
  /** The key the attendee's own inspector shows (null: none). */
  viewing(key: string | null): void
}

/** One of the attendee's sockets, as the relay sees it: it is told when to stream and when to stop. */
type Streamer = { send(message: ServerMessage): void }

export type ScreenChunk = Omit<WatchScreenMessage, 'type' | 'attendee'>

export class WatchRelay {
  readonly #watchers = new Set<Watcher>()
  /** The socket asked to stream its screen, while someone watches. */
  #streaming: Streamer | null = null
  /** The key the attendee's inspector has open, in the tab last to open one. */
  #viewing: string | null = null
  /** Screen bytes relayed in the current second, when it began, and whether some were dropped. */
  #budget = { since: 0, bytes: 0, dropped: false }

  /** `attendee`: the row id the relayed screens carry. */
  constructor(private readonly attendee: string) {}

  get watched(): boolean {
    return this.#watchers.size > 0
  }

  /** Starts a watch; `newest` is the attendee's newest open socket. Returns the stop function. */
  add(watcher: Watcher, newest: Streamer | undefined): () => void {
    this.#watchers.add(watcher)
    watcher.viewing(this.#viewing)
    if (this.#watchers.size === 1 && newest) this.#stream(newest)
    else if (this.#streaming) this.#streaming.send({ type: 'watched', on: true })
    return () => {
      this.#watchers.delete(watcher)
      if (this.#watchers.size === 0 && this.#streaming) {
        this.#streaming.send({ type: 'watched', on: false })
        this.#streaming = null
      }
    }
  }

  /** A socket joined: while watched it becomes the one that streams (a new tab is the one most likely in use). */
  joined(socket: Streamer): void {
    if (this.watched) this.#stream(socket)
  }

  /** A socket left; `newest` is the newest of those still open, which takes over the stream. */
  left(socket: Streamer, newest: Streamer | undefined): void {
    if (this.#streaming !== socket) return
    this.#streaming = null
    if (newest && this.watched) this.#stream(newest)
  }

  /** Terminal output a socket sent, relayed to the watchers within the budget. */
  screen(socket: Streamer, message: ScreenChunk, now: number): void {
    // Only the socket asked to stream is relayed; anything else (a second tab, a page that keeps
    // sending after the watch ended) is dropped.
    if (this.#streaming !== socket) return
    if (this.#budget.dropped) return
    if (now - this.#budget.since >= 1000) this.#budget = { since: now, bytes: 0, dropped: false }
    if (this.#budget.bytes + message.data.length > SCREEN_BYTES_PER_SECOND) {
      this.#budget.dropped = true
      // Once the second is over the page starts again from its whole screen: nothing stays lost.
      const timer = setTimeout(
        () => {
          this.#budget = { since: 0, bytes: 0, dropped: false }
          if (this.#streaming === socket && this.watched) this.#stream(socket)
        },
        Math.max(0, 1000 - (now - this.#budget.since))
      )
      timer.unref()
      return
    }
    this.#budget.bytes += message.data.length
    const { data, cols, rows, reset } = message
    const relayed: WatchScreenMessage = { type: 'watchScreen', attendee: this.attendee, data, cols, rows, reset }
    for (const watcher of this.#watchers) watcher.screen(relayed)
  }

  /** The attendee's inspector opened a key (null: closed it). */
  viewed(key: string | null): void {
    this.#viewing = key
    for (const watcher of this.#watchers) watcher.viewing(key)
  }

  /** The attendee's sandbox was emptied (their FLUSHDB, the instructor's reset, or recycled). */
  emptied(): void {
    for (const watcher of this.#watchers) watcher.sandboxEmptied()
  }

  /** Asks `socket` (re)starting now to stream its screen; a previous streamer stops. */
  #stream(socket: Streamer): void {
    if (this.#streaming && this.#streaming !== socket) this.#streaming.send({ type: 'watched', on: false })
    this.#streaming = socket
    socket.send({ type: 'watched', on: true })
  }
}
