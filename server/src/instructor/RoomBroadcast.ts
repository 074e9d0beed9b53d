/**
 * @module The room as instructors receive it: the whole room when one subscribes, then only the
 * rows that changed (and the ids that left), coalesced into at most one frame per FLUSH_MS, so 300
 * attendees at a command a second cost an instructor a few small frames a second.
 */
import type { AttendeeRow, ServerMessage } from '../../../common/protocol/index.ts'

/**
 * Changed rows go out at most this often. The first change after a quiet spell goes at once;
 * changes while a flush is recent wait for the rest of the interval and go together.
 */
const FLUSH_MS = 200

/** An instructor socket, as the room sees it. */
export type RoomListener = { send(message: ServerMessage): void }

/** What the broadcast reads from the room. */
export type RoomRows = {
  /** Copies of every row, in the room's order. */
  rows(): AttendeeRow[]
  /** One member's row as it is now (undefined: gone). */
  row(id: string): AttendeeRow | undefined
  now(): number
}

export class RoomBroadcast {
  readonly #listeners = new Set<RoomListener>()
  readonly #dirty = new Set<string>()
  readonly #removed = new Set<string>()
  /** Each row as instructors last received it (JSON): a change that changes nothing shown is not sent. */
  readonly #sent = new Map<string, string>()
  #timer: NodeJS.Timeout | null = null
  /** When the last flush ran (process clock: only the gap matters). */
  #flushedAt = -Infinity

  constructor(private readonly room: RoomRows) {}

  /** Whether any instructor is subscribed. */
  get listening(): boolean {
    return this.#listeners.size > 0
  }

  /** An instructor socket: gets the whole room now and every change after; returns the unsubscribe. */
  subscribe(listener: RoomListener): () => void {
    this.#listeners.add(listener)
    const rows = this.room.rows()
    if (this.#listeners.size === 1) for (const row of rows) this.#sent.set(row.id, JSON.stringify(row))
    listener.send({ type: 'room', attendees: rows, now: this.room.now() })
    return () => this.#listeners.delete(listener)
  }

  /** Sends one message to every instructor now. */
  send(message: ServerMessage): void {
    for (const listener of this.#listeners) listener.send(message)
  }

  /** Member `id`'s row changed: it goes with the next flush. */
  changed(id: string): void {
    this.#dirty.add(id)
    this.#schedule()
  }

  /** Member `id` left the room. */
  removed(id: string): void {
    this.#dirty.delete(id)
    this.#sent.delete(id)
    this.#removed.add(id)
    this.#schedule()
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    this.#listeners.clear()
  }

  #schedule(): void {
    if (this.#timer || (this.#dirty.size === 0 && this.#removed.size === 0)) return
    // A turn of the event loop at least: the rest of a burst (a pasted script's replies) joins it.
    const wait = Math.max(0, FLUSH_MS - (performance.now() - this.#flushedAt))
    this.#timer = setTimeout(() => this.#flush(), wait)
    this.#timer.unref()
  }

  #flush(): void {
    this.#timer = null
    this.#flushedAt = performance.now()
    const upsert: AttendeeRow[] = []
    for (const id of this.#dirty) {
      const row = this.room.row(id)
      if (!row) continue
      const text = JSON.stringify(row)
      if (text === this.#sent.get(id)) continue
      this.#sent.set(id, text)
      upsert.push({ ...row })
    }
    const removed = [...this.#removed]
    this.#dirty.clear()
    this.#removed.clear()
    if (upsert.length === 0 && removed.length === 0) return
    const message: ServerMessage = { type: 'roomChanged', upsert, removed, now: this.room.now() }
    for (const listener of this.#listeners) listener.send(message)
  }
}
