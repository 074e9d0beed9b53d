/**
 * @module The room shared across playground processes through the control Valkey: what this
 * process changes is stored and published (RoomState), what the others change arrives on the bus
 * (RoomBus) and is applied to this process's room. On every (re)subscription the room takes a
 * snapshot, then applies the messages that came meanwhile, and stores again what this process
 * holds (rows of its attendees, its watches), so a control server that restarted empty is filled
 * again. A heartbeat tells which processes are alive (ProcessPresence).
 *
 * Limits: writes while the control Valkey is down are not queued; the snapshot after it is back
 * brings every process up to date. Row writes are coalesced (ROW_FLUSH_MS).
 */
import type { Announcement, StuckRules } from '../../../common/protocol/index.ts'
import type { AdminClient } from '../valkey/adminClient.ts'
import { ProcessPresence } from './ProcessPresence.ts'
import { RoomBus } from './RoomBus.ts'
import type { RoomEvent, WatchEvent } from './roomMessages.ts'
import { RoomState, type RoomSnapshot } from './RoomState.ts'
import type { RoomEntry } from './RoomTable.ts'
import type { SharedRow } from './sharedRow.ts'
import type { Watcher } from './WatchRelay.ts'

/** Row changes are written at most this often per burst (a pasted script's error replies go together). */
const ROW_FLUSH_MS = 50
const RESYNC_RETRY_MS = 500
const MAX_RESYNC_RETRIES = 40

export type RoomSyncOptions = {
  /** A client on the control database (the room opens its own subscriber from its settings). */
  control: AdminClient
  /** This process's id, unique across hosts and restarts. */
  processId: string
  /** Heartbeat period (default 5 s); a process silent for deadAfterMs (default 3 heartbeats) is dead. */
  heartbeatMs?: number
  deadAfterMs?: number
}

/** What the sync asks of the room it serves (Room implements it). */
export type RoomInbound = {
  remote(event: Exclude<RoomEvent, { t: 'alive' | 'gone' }>): void
  watchEvent(event: WatchEvent): void
  /** A process is gone: its sockets stop counting, its watches end. Returns the numbers it held and its watch ids. */
  processGone(process: string): { numbers: number[]; watches: string[] }
  snapshot(snapshot: RoomSnapshot): void
  /** What this process holds, to store again after a snapshot. */
  held(): { rows: { row: SharedRow; count: number }[]; watches: { watch: string; attendee: string }[] }
}

export class RoomSync {
  readonly self: string
  readonly presence: ProcessPresence
  readonly #state: RoomState
  readonly #bus: RoomBus
  readonly #heartbeatMs: number
  readonly #deadAfterMs: number
  readonly #dirty = new Map<number, { entry: RoomEntry; count: number }>()
  #flushTimer: NodeJS.Timeout | null = null
  #heartbeat: NodeJS.Timeout | null = null
  #syncing = false
  #again = false
  #buffer: RoomEvent[] | null = null
  #synced = false
  #firstSync: { resolve: () => void; promise: Promise<void> }
  #failing = false
  #closed = false

  constructor(
    options: RoomSyncOptions,
    private readonly room: RoomInbound,
    private readonly rules: () => StuckRules,
    private readonly log: (message: string) => void
  ) {
    this.self = options.processId
    this.#heartbeatMs = options.heartbeatMs ?? 5000
    this.#deadAfterMs = options.deadAfterMs ?? 3 * this.#heartbeatMs
    this.presence = new ProcessPresence(this.self, this.#deadAfterMs)
    this.#state = new RoomState(options.control)
    this.#bus = new RoomBus(options.control, this.self, this, log)
    let resolve = () => {}
    const promise = new Promise<void>((done) => (resolve = done))
    this.#firstSync = { resolve, promise }
  }

  /** Connects and resolves once the room holds the first snapshot. */
  async start(timeoutMs = 15_000): Promise<void> {
    await this.#bus.start()
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the room could not read its state from the control Valkey')), timeoutMs)
    })
    try {
      await Promise.race([this.#firstSync.promise, late])
    } finally {
      clearTimeout(timer)
    }
    this.#heartbeat = setInterval(() => this.#beat(), this.#heartbeatMs)
    this.#heartbeat.unref()
  }

  /** The subscriber's connection drops now (tests: as if the network or the control server went away). */
  dropSubscriber(): void {
    this.#bus.dropConnection()
  }

  // ------------------------------------------------------------ what the room tells the others

  row(entry: RoomEntry, count: number): void {
    this.#dirty.set(entry.shared.number, { entry, count })
    if (this.#flushTimer) return
    this.#flushTimer = setTimeout(() => this.#flushRows(), ROW_FLUSH_MS)
    this.#flushTimer.unref()
  }

  removed(number: number, id: string, holders: Iterable<string>): void {
    this.#dirty.delete(number)
    this.#write(this.#state.removeRow(number, id, this.self, holders))
  }

  announced(announcement: Announcement): void {
    this.#write(this.#state.setAnnouncement(announcement, this.self))
  }

  setRules(rules: StuckRules): void {
    this.#write(this.#state.setRules(rules, this.self))
  }

  /** A room number never given out before (the control Valkey counts them). */
  nextNumber(): Promise<number> {
    return this.#state.nextNumber()
  }

  reset(id: string, number: number): void {
    this.#write(this.#state.publish({ t: 'reset', from: this.self, id, number }))
  }

  watch(watch: string, attendee: string): void {
    this.#write(this.#state.addWatch(watch, attendee, this.self))
  }

  unwatch(watch: string): void {
    this.#write(this.#state.removeWatch(watch, this.self))
  }

  /** A watcher here for an instructor on `process`: what it receives is published to that process. */
  sinkFor(process: string, watch: string): Watcher {
    const send = (event: WatchEvent) => this.#write(this.#state.publishTo(process, event))
    return {
      screen: (message) => send({ t: 'screen', watch, message }),
      viewing: (key) => send({ t: 'viewing', watch, key }),
      sandboxEmptied: () => send({ t: 'emptied', watch }),
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    if (this.#flushTimer) clearTimeout(this.#flushTimer)
    if (this.#heartbeat) clearInterval(this.#heartbeat)
    this.#flushTimer = this.#heartbeat = null
    const held = this.room.held()
    try {
      await this.#state.dropProcess(
        this.self,
        held.rows.map(({ row }) => row.number),
        held.watches.map(({ watch }) => watch),
        true
      )
    } catch {
      // The control server is away: the others take this process for dead after deadAfterMs.
    } finally {
      this.#bus.close()
    }
  }

  // ------------------------------------------------------------ RoomBusListener

  /** @internal RoomBus */
  subscribed(): void {
    void this.#resync()
  }

  /** @internal RoomBus */
  event(event: RoomEvent): void {
    this.presence.seen(event.from)
    if (this.#buffer) {
      this.#buffer.push(event)
      return
    }
    this.#apply(event)
  }

  /** @internal RoomBus */
  watchEvent(event: WatchEvent): void {
    this.room.watchEvent(event)
  }

  // ------------------------------------------------------------ internals

  #apply(event: RoomEvent): void {
    if (event.t === 'alive') return
    if (event.t === 'gone') {
      this.presence.gone(event.from)
      this.room.processGone(event.from)
      return
    }
    this.room.remote(event)
  }

  async #resync(): Promise<void> {
    if (this.#syncing) {
      this.#again = true
      return
    }
    this.#syncing = true
    this.#buffer = []
    try {
      for (let attempt = 0; !this.#closed && attempt < MAX_RESYNC_RETRIES; attempt++) {
        this.#again = false
        try {
          await this.#state.initRules(this.rules())
          await this.#state.heartbeat(this.self, Date.now())
          const snapshot = this.#withoutDead(await this.#state.snapshot())
          if (this.#again) continue
          this.room.snapshot(snapshot)
          const buffered = this.#buffer ?? []
          this.#buffer = null
          for (const event of buffered) this.#apply(event)
          this.#reassert(Math.max(0, ...snapshot.rows.map((row) => row.label)))
          this.#synced = true
          this.#firstSync.resolve()
          return
        } catch (error) {
          this.log(`room: could not read the room from the control Valkey: ${(error as Error).message}`)
          if (this.#bus.status !== 'ready') return // the next subscription tries again
          await new Promise((resolve) => setTimeout(resolve, RESYNC_RETRY_MS).unref())
        }
      }
    } finally {
      this.#buffer = null
      this.#syncing = false
    }
  }

  /** The snapshot with the sockets and watches of processes found dead left out (and removed from the control data). */
  #withoutDead(snapshot: RoomSnapshot): RoomSnapshot {
    const now = Date.now()
    for (const [process, at] of snapshot.alive) {
      if (process !== this.self && now - at < this.#deadAfterMs) this.presence.seen(process, Math.min(at, now))
    }
    const dead = new Map<string, { numbers: number[]; watches: string[] }>()
    const deadOne = (process: string) => {
      let found = dead.get(process)
      if (!found) dead.set(process, (found = { numbers: [], watches: [] }))
      return found
    }
    for (const [number, holders] of snapshot.online) {
      for (const process of holders.keys()) {
        if (process === this.self || this.presence.alive(process)) continue
        holders.delete(process)
        deadOne(process).numbers.push(number)
      }
    }
    snapshot.watches = snapshot.watches.filter(({ watch, from }) => {
      if (from === this.self || this.presence.alive(from)) return true
      deadOne(from).watches.push(watch)
      return false
    })
    for (const process of snapshot.alive.keys()) if (process !== this.self && !this.presence.alive(process)) deadOne(process)
    for (const [process, { numbers, watches }] of dead) this.#write(this.#state.dropProcess(process, numbers, watches, false))
    return snapshot
  }

  /** Stores again what this process holds (the control server may have lost it), numbers given out included. */
  #reassert(highest = 0): void {
    const held = this.room.held()
    const numbers = Math.max(highest, ...held.rows.map(({ row }) => row.label))
    this.#write(this.#state.raiseNumbers(numbers))
    for (const { row, count } of held.rows) this.#write(this.#state.writeRow(row, this.self, count))
    for (const { watch, attendee } of held.watches) this.#write(this.#state.addWatch(watch, attendee, this.self))
  }

  #flushRows(): void {
    this.#flushTimer = null
    const dirty = [...this.#dirty.values()]
    this.#dirty.clear()
    for (const { entry, count } of dirty) this.#write(this.#state.writeRow({ ...entry.shared }, this.self, count))
  }

  #beat(): void {
    this.#state
      .heartbeat(this.self, Date.now())
      .then((missing) => {
        this.#succeeded()
        // Someone took this process for dead, or the control data was lost: store it all again.
        if (missing && this.#synced) this.#reassert()
      })
      .catch((error: Error) => this.#failed(error))
    for (const process of this.presence.expired()) {
      const { numbers, watches } = this.room.processGone(process)
      this.#write(this.#state.dropProcess(process, numbers, watches, false))
    }
  }

  #write(done: Promise<unknown>): void {
    done.then(
      () => this.#succeeded(),
      (error: Error) => this.#failed(error)
    )
  }

  #succeeded(): void {
    this.#failing = false
  }

  /** Logged once per outage, not once per write. */
  #failed(error: Error): void {
    if (this.#failing || this.#closed) return
    this.#failing = true
    this.log(
      `room: a change could not be stored in the control Valkey (${error.message}); it is stored again once the control Valkey is back`
    )
  }
}
