/**
 * @module The room's attendee numbers ("Attendee 8"): never given twice within a room. Shared, a
 * number comes from the control Valkey's counter (RoomSync.nextNumber, one INCR), so two processes
 * never give the same one; alone, or while that server cannot be reached, this process gives its
 * own, above every number it has seen (in the table or claimed), which another process could still
 * give too: the documented limit of running without the control Valkey.
 *
 * A number is claimed before the attendee's socket joins (an await the join itself cannot make)
 * and taken by the join; claims whose socket never joined are bounded and forgotten oldest first.
 */
import type { RoomTable } from './RoomTable.ts'

/** Claims kept for sockets that have not joined yet. */
const MAX_PENDING_CLAIMS = 1000

export class AttendeeNumbers {
  /** Numbers claimed for attendees about to join, by attendee id. */
  readonly #claimed = new Map<string, number>()
  /** The last number this process gave out by itself. */
  #localNumber = 0

  constructor(
    private readonly table: RoomTable,
    /** The shared counter's next number; null when the room is not shared. */
    private readonly shared: () => Promise<number | null>,
    private readonly log: (message: string) => void
  ) {}

  /** Makes sure attendee `id`, if new to the room, has a number; someone already in the room keeps theirs. */
  async claim(id: string): Promise<void> {
    if ((this.table.get(id)?.shared.label ?? 0) > 0 || this.#claimed.has(id)) return
    let number: number | null = null
    try {
      number = await this.shared()
    } catch (error) {
      this.log(`room: no attendee number from the control Valkey (${(error as Error).message}); this process gives one`)
    }
    if (this.#claimed.size >= MAX_PENDING_CLAIMS) this.#claimed.delete(this.#claimed.keys().next().value!)
    this.#claimed.set(id, number ?? this.#ownNumber())
  }

  /** The number for attendee `id` as they join: the one claimed for them, or one of this process's own. */
  take(id: string): number {
    const number = this.#claimed.get(id) ?? this.#ownNumber()
    this.#claimed.delete(id)
    return number
  }

  /** Attendee `id` joined with a number they already had: their claim, if any, is not needed. */
  drop(id: string): void {
    this.#claimed.delete(id)
  }

  /** A number above every one this process has seen given out. */
  #ownNumber(): number {
    for (const entry of this.table.entries()) this.#localNumber = Math.max(this.#localNumber, entry.shared.label)
    for (const number of this.#claimed.values()) this.#localNumber = Math.max(this.#localNumber, number)
    return ++this.#localNumber
  }
}
