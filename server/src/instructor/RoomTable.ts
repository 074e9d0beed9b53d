/**
 * @module Every row of the room, whichever process serves the attendee: the shared part (name,
 * progress, errors: the same on every process) and, per playground process, how many of the
 * attendee's sockets it holds. The grid's row is derived from both: `connected` counts only the
 * sockets of processes still alive, so the rows of a process that died show offline, and stay.
 *
 * Alone (no control Valkey) the table holds this process's attendees only, exactly as before.
 */
import type { AttendeeRow } from '../../../common/protocol/index.ts'
import { mergeRow, type SharedRow } from './sharedRow.ts'

export type RoomEntry = {
  /** Mutated in place by updates, so whoever holds the entry sees the current row. */
  readonly shared: SharedRow
  /** Process id → sockets of this attendee it holds. */
  readonly online: Map<string, number>
  /** The row as the grid shows it (derive() refreshes it; errors and stuck are the ticker's). */
  readonly row: AttendeeRow
}

export class RoomTable {
  readonly #entries = new Map<number, RoomEntry>()
  readonly #byId = new Map<string, number>()

  /** `alive`: whether a process's sockets still count. */
  constructor(private readonly alive: (process: string) => boolean) {}

  get(id: string): RoomEntry | undefined {
    const number = this.#byId.get(id)
    return number === undefined ? undefined : this.#entries.get(number)
  }

  /** The entry of sandbox `number`, if any. */
  at(number: number): RoomEntry | undefined {
    return this.#entries.get(number)
  }

  entries(): IterableIterator<RoomEntry> {
    return this.#entries.values()
  }

  get size(): number {
    return this.#entries.size
  }

  /**
   * A row as another process (or the control Valkey) has it: added, or merged into the entry
   * already there (the newer name and the newer progress stay). Another id on the same number is
   * a recycled sandbox: the old entry goes (returned as `replaced`).
   */
  upsert(shared: SharedRow): { entry: RoomEntry; replaced: RoomEntry | null } {
    let replaced: RoomEntry | null = null
    const current = this.#entries.get(shared.number)
    if (current && current.shared.id === shared.id) {
      mergeRow(current.shared, shared)
      this.derive(current)
      return { entry: current, replaced }
    }
    if (current) replaced = this.remove(shared.number) ?? null
    const entry: RoomEntry = {
      shared: { ...shared, errorTimes: [...shared.errorTimes], finished: { ...shared.finished } },
      online: new Map(),
      row: {
        id: shared.id,
        number: shared.label || shared.number,
        name: null,
        connected: 0,
        joinedAt: shared.joinedAt,
        mission: null,
        step: null,
        done: {},
        stepSince: null,
        awayAt: null,
        finished: {},
        errors: 0,
        stepErrors: 0,
        lastError: null,
        help: null,
        stuck: null,
      },
    }
    this.#entries.set(shared.number, entry)
    this.#byId.set(shared.id, shared.number)
    this.derive(entry)
    return { entry, replaced }
  }

  remove(number: number): RoomEntry | undefined {
    const entry = this.#entries.get(number)
    if (!entry) return undefined
    this.#entries.delete(number)
    if (this.#byId.get(entry.shared.id) === number) this.#byId.delete(entry.shared.id)
    return entry
  }

  /** Process `process` holds `count` sockets of the entry (0: none). */
  setOnline(entry: RoomEntry, process: string, count: number): void {
    if (count > 0) entry.online.set(process, count)
    else entry.online.delete(process)
    this.derive(entry)
  }

  /** A process is gone: its sockets no longer count anywhere. Returns the entries that changed. */
  dropProcess(process: string): RoomEntry[] {
    const changed: RoomEntry[] = []
    for (const entry of this.#entries.values()) {
      if (entry.online.delete(process)) {
        this.derive(entry)
        changed.push(entry)
      }
    }
    return changed
  }

  /** Copies the shared fields into the shown row and counts the sockets of live processes. */
  derive(entry: RoomEntry): void {
    const { shared, row } = entry
    // The room number once known; until then (a moment after joining) the sandbox's.
    row.number = shared.label || shared.number
    row.name = shared.name
    row.joinedAt = shared.joinedAt
    row.mission = shared.mission
    row.step = shared.step
    row.done = shared.done
    row.stepSince = shared.stepSince
    row.awayAt = shared.awayAt
    row.finished = { ...shared.finished }
    row.stepErrors = shared.stepErrors
    row.lastError = shared.lastError
    row.help = shared.help
    let connected = 0
    for (const [process, count] of entry.online) if (this.alive(process)) connected += count
    row.connected = connected
  }
}
