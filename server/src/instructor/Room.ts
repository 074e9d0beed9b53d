/**
 * @module The room: one row per attendee (sandbox) for the instructor's grid, the current
 * announcement, and who is being watched.
 *
 * Rows change on what the attendee's sockets already produce (mission progress, error replies,
 * connects and names); nothing is read from Valkey for the grid. Changes are coalesced: a row
 * that changed is sent whole to every instructor at most once per FLUSH_MS, so 300 attendees at a
 * command a second cost the instructor a few small frames a second. Time-based flags (stuck after
 * N seconds, errors leaving the window) are re-evaluated once a second while an instructor is
 * connected.
 *
 * Limits: the room lives in memory. After a proxy restart rows come back as attendees reconnect
 * (their progress is in Valkey); a sandbox recycled while idle leaves the room.
 */
import { createHash } from 'node:crypto'
import type {
  Announcement,
  AttendeeRow,
  MissionProgressMessage,
  ServerMessage,
  StuckRules,
  WatchScreenMessage,
} from '../../../common/protocol/index.ts'
import type { SandboxUsers } from '../sandbox/aclRules.ts'
import { currentStep, recentErrors, stuckReason } from './roomRow.ts'

/**
 * Changed rows go out at most this often. The first change after a quiet spell goes at once;
 * changes while a flush is recent wait for the rest of the interval and go together.
 */
const FLUSH_MS = 200
const TICK_MS = 1000
/** Error times kept per attendee (the count shown is within ERROR_WINDOW_MS anyway). */
const MAX_ERROR_TIMES = 200
/**
 * Terminal output relayed per watched attendee per second. A page that sends more (a flood, or a
 * huge paste's output) has the rest dropped and is asked for a fresh whole screen once the second
 * is over, so the instructor's copy is whole again instead of growing the server's buffers.
 */
export const SCREEN_BYTES_PER_SECOND = 1024 * 1024

/** A stable, public id for a sandbox: a hash of its token, which itself never leaves the attendee. */
export const attendeeId = (token: string) => createHash('sha256').update(`attendee:${token}`).digest('hex').slice(0, 16)

/** An instructor socket, as the room sees it. */
export type RoomListener = { send(message: ServerMessage): void }

/** Someone watching one attendee: gets their screen, and hears when their sandbox was emptied. */
export type Watcher = {
  screen(message: WatchScreenMessage): void
  sandboxEmptied(): void
  /** The key the attendee's own inspector shows (null: none). */
  viewing(key: string | null): void
}

/** One of a member's sockets (an attendee's page), as the room sees it: http/AttendeeSocket is what implements it. */
export type RoomMemberSocket = {
  send(message: ServerMessage): void
  /** The instructor reset this sandbox: the socket's own views read it again. */
  sandboxReset(): void
}

export type RoomOptions = {
  /** Step ids of a mission, in order; null for an unknown mission. */
  steps: (missionId: string) => readonly string[] | null
  rules: StuckRules
  /** Empties a sandbox's database and forgets its mission progress. */
  resetSandbox: (db: number) => Promise<void>
  now?: () => number
  log?: (message: string) => void
}

type Member = {
  row: AttendeeRow
  db: number
  users: SandboxUsers
  /** Sockets in the order they joined; the newest one streams its screen while watched. */
  sockets: RoomMemberSocket[]
  errorTimes: number[]
  watchers: Set<Watcher>
  /** The socket asked to stream its screen, while someone watches. */
  streaming: RoomMemberSocket | null
  /** The row as instructors last received it (JSON): a change that changes nothing shown is not sent. */
  sent: string
  /** The key the attendee's inspector has open, in the tab last to open one. */
  viewing: string | null
  /** Screen bytes relayed in the current second, when it began, and whether some were dropped. */
  screenBudget: { since: number; bytes: number; dropped: boolean }
}

export class Room {
  #members = new Map<string, Member>()
  #byDb = new Map<number, string>()
  #listeners = new Set<RoomListener>()
  #dirty = new Set<string>()
  #removed = new Set<string>()
  #flushTimer: NodeJS.Timeout | null = null
  /** When the last flush ran (process clock: only the gap matters). */
  #flushedAt = -Infinity
  #ticker: NodeJS.Timeout | null = null
  #rules: StuckRules
  #announcement: Announcement | null = null

  constructor(private readonly options: RoomOptions) {
    this.#rules = { ...options.rules }
  }

  get #now(): number {
    return (this.options.now ?? Date.now)()
  }

  get rules(): StuckRules {
    return { ...this.#rules }
  }

  get announcement(): Announcement | null {
    return this.#announcement
  }

  /** Every row, in the order attendees first joined. */
  rows(): AttendeeRow[] {
    return [...this.#members.values()].map((member) => ({ ...member.row }))
  }

  /** A member's sandbox, for the instructor's watch (read as the sandbox's own user). */
  sandboxOf(id: string): { db: number; users: SandboxUsers } | null {
    const member = this.#members.get(id)
    return member ? { db: member.db, users: member.users } : null
  }

  // ------------------------------------------------------------ attendees

  /** An attendee socket got its sandbox; returns the handle the socket reports through. */
  join(lease: { token: string; users: SandboxUsers }, name: string | null, socket: RoomMemberSocket): AttendeeHandle {
    const id = attendeeId(lease.token)
    const db = lease.users.db
    // The same database under another token: the old sandbox was recycled and its row is stale.
    const previous = this.#byDb.get(db)
    if (previous !== undefined && previous !== id) this.forget(db)
    let member = this.#members.get(id)
    if (!member) {
      member = {
        row: {
          id,
          number: db,
          name,
          connected: 0,
          mission: null,
          step: null,
          done: {},
          stepSince: null,
          errors: 0,
          stepErrors: 0,
          stuck: null,
        },
        db,
        users: lease.users,
        sockets: [],
        errorTimes: [],
        watchers: new Set(),
        streaming: null,
        screenBudget: { since: 0, bytes: 0, dropped: false },
        sent: '',
        viewing: null,
      }
      this.#members.set(id, member)
      this.#byDb.set(db, id)
    }
    if (name !== null) member.row.name = name
    member.sockets.push(socket)
    member.row.connected = member.sockets.length
    socket.send({ type: 'attendee', number: db, name: member.row.name })
    if (this.#announcement) socket.send({ type: 'announcement', announcement: this.#announcement })
    // A new tab while watched becomes the one that streams: it is the one most likely in use.
    if (member.watchers.size > 0) this.#stream(member, socket)
    this.#changed(member)
    return new AttendeeHandle(this, member, socket)
  }

  /** The sandbox of `db` was recycled or handed to someone else: its row leaves the room. */
  forget(db: number): void {
    const id = this.#byDb.get(db)
    if (id === undefined) return
    this.#byDb.delete(db)
    const member = this.#members.get(id)
    this.#members.delete(id)
    this.#dirty.delete(id)
    this.#removed.add(id)
    for (const watcher of member?.watchers ?? []) watcher.sandboxEmptied()
    this.#scheduleFlush()
  }

  /** @internal AttendeeHandle */
  left(member: Member, socket: RoomMemberSocket): void {
    member.sockets = member.sockets.filter((each) => each !== socket)
    member.row.connected = member.sockets.length
    if (member.streaming === socket) {
      member.streaming = null
      const next = member.sockets.at(-1)
      if (next && member.watchers.size > 0) this.#stream(member, next)
    }
    this.#changed(member)
  }

  /** @internal AttendeeHandle: what the server just sent one of the member's sockets. */
  observed(member: Member, message: ServerMessage): void {
    if (message.type === 'reply') {
      if (message.replies[0]?.t !== 'err') return
      member.errorTimes.push(this.#now)
      if (member.errorTimes.length > MAX_ERROR_TIMES) member.errorTimes.shift()
      member.row.stepErrors++
      this.#changed(member)
    } else if (message.type === 'missionProgress') {
      this.#progress(member, message)
    }
  }

  #progress(member: Member, message: MissionProgressMessage): void {
    const { row } = member
    const mission = message.open?.id ?? row.mission
    const steps = mission === null ? null : this.options.steps(mission)
    const step = steps ? currentStep(steps, message.done[mission!]) : null
    if (mission !== row.mission || step !== row.step) {
      row.stepSince = step === null ? null : this.#now
      row.stepErrors = 0
    }
    row.mission = mission
    row.step = step
    row.done = message.done
    this.#changed(member)
  }

  /** @internal AttendeeHandle */
  named(member: Member, name: string | null): void {
    member.row.name = name
    this.#changed(member)
  }

  /** @internal AttendeeHandle: the member's socket sent terminal output. */
  screen(member: Member, socket: RoomMemberSocket, message: Omit<WatchScreenMessage, 'type' | 'attendee'>): void {
    // Only the socket asked to stream is relayed; anything else (a second tab, a page that keeps
    // sending after the watch ended) is dropped.
    if (member.streaming !== socket) return
    const budget = member.screenBudget
    const now = this.#now
    if (budget.dropped) return
    if (now - budget.since >= 1000) member.screenBudget = { since: now, bytes: 0, dropped: false }
    if (member.screenBudget.bytes + message.data.length > SCREEN_BYTES_PER_SECOND) {
      member.screenBudget.dropped = true
      // Once the second is over the page starts again from its whole screen: nothing stays lost.
      const timer = setTimeout(
        () => {
          member.screenBudget = { since: 0, bytes: 0, dropped: false }
          if (member.streaming === socket && member.watchers.size > 0) this.#stream(member, socket)
        },
        Math.max(0, 1000 - (now - member.screenBudget.since))
      )
      timer.unref()
      return
    }
    member.screenBudget.bytes += message.data.length
    const { data, cols, rows, reset } = message
    const relayed: WatchScreenMessage = { type: 'watchScreen', attendee: member.row.id, data, cols, rows, reset }
    for (const watcher of member.watchers) watcher.screen(relayed)
  }

  /** @internal AttendeeHandle: the member's inspector opened a key (null: closed it). */
  viewed(member: Member, key: string | null): void {
    member.viewing = key
    for (const watcher of member.watchers) watcher.viewing(key)
  }

  /** @internal AttendeeHandle: the member emptied their own sandbox (FLUSHDB). */
  flushed(member: Member): void {
    for (const watcher of member.watchers) watcher.sandboxEmptied()
  }

  // ------------------------------------------------------------ instructors

  /** An instructor socket: gets the whole room now and every change after. */
  subscribe(listener: RoomListener): () => void {
    this.#listeners.add(listener)
    if (this.#listeners.size === 1) for (const member of this.#members.values()) member.sent = JSON.stringify(member.row)
    listener.send({ type: 'room', attendees: this.rows(), now: this.#now })
    if (!this.#ticker) {
      this.#ticker = setInterval(() => this.#tick(), TICK_MS)
      this.#ticker.unref()
    }
    return () => {
      this.#listeners.delete(listener)
      if (this.#listeners.size === 0 && this.#ticker) {
        clearInterval(this.#ticker)
        this.#ticker = null
      }
    }
  }

  setRules(rules: StuckRules): void {
    this.#rules = { ...rules }
    for (const listener of this.#listeners) listener.send({ type: 'stuckRulesChanged', rules: this.rules })
    this.#tick()
  }

  announce(text: string, mission: string | null, step: string | null): Announcement {
    // Unique across restarts too: a page remembers which announcements it dismissed.
    const at = this.#now
    const id = Math.max(at, (this.#announcement?.id ?? 0) + 1)
    const announcement: Announcement = { id, text, mission, step, at }
    this.#announcement = announcement
    for (const member of this.#members.values()) {
      for (const socket of member.sockets) socket.send({ type: 'announcement', announcement })
    }
    return announcement
  }

  /** Starts watching `id`; returns a stop function, or null for an unknown attendee. */
  watch(id: string, watcher: Watcher): (() => void) | null {
    const member = this.#members.get(id)
    if (!member) return null
    member.watchers.add(watcher)
    watcher.viewing(member.viewing)
    const newest = member.sockets.at(-1)
    if (member.watchers.size === 1 && newest) this.#stream(member, newest)
    else if (member.streaming) member.streaming.send({ type: 'watched', on: true })
    return () => {
      member.watchers.delete(watcher)
      if (member.watchers.size === 0 && member.streaming) {
        member.streaming.send({ type: 'watched', on: false })
        member.streaming = null
      }
    }
  }

  /** Empties one attendee's sandbox and their progress; their open pages start over. */
  async resetSandbox(id: string): Promise<boolean> {
    const member = this.#members.get(id)
    if (!member) return false
    await this.options.resetSandbox(member.db)
    // Gone meanwhile (recycled): nothing more to tell.
    if (this.#members.get(id) !== member) return true
    const { row } = member
    row.done = {}
    row.step = row.mission ? currentStep(this.options.steps(row.mission) ?? [], []) : null
    row.stepSince = row.step === null ? null : this.#now
    row.stepErrors = 0
    member.errorTimes = []
    for (const socket of member.sockets) socket.sandboxReset()
    for (const watcher of member.watchers) watcher.sandboxEmptied()
    this.#changed(member)
    return true
  }

  close(): void {
    if (this.#ticker) clearInterval(this.#ticker)
    if (this.#flushTimer) clearTimeout(this.#flushTimer)
    this.#ticker = this.#flushTimer = null
    this.#listeners.clear()
  }

  // ------------------------------------------------------------ internals

  /** Asks `socket` (re)starting now to stream its screen; a previous streamer stops. */
  #stream(member: Member, socket: RoomMemberSocket): void {
    if (member.streaming && member.streaming !== socket) member.streaming.send({ type: 'watched', on: false })
    member.streaming = socket
    socket.send({ type: 'watched', on: true })
  }

  #changed(member: Member): void {
    this.#refresh(member, this.#now)
    if (this.#listeners.size === 0) return
    this.#dirty.add(member.row.id)
    this.#scheduleFlush()
  }

  /** Recomputes the time-dependent fields; true when any of them changed. */
  #refresh(member: Member, now: number): boolean {
    const { row } = member
    const errors = recentErrors(member.errorTimes, now)
    const stuck = stuckReason(row, this.#rules, now)
    const changed = errors !== row.errors || stuck !== row.stuck
    row.errors = errors
    row.stuck = stuck
    return changed
  }

  #tick(): void {
    const now = this.#now
    for (const member of this.#members.values()) if (this.#refresh(member, now)) this.#dirty.add(member.row.id)
    this.#scheduleFlush()
  }

  #scheduleFlush(): void {
    if (this.#flushTimer || (this.#dirty.size === 0 && this.#removed.size === 0)) return
    // A turn of the event loop at least: the rest of a burst (a pasted script's replies) joins it.
    const wait = Math.max(0, FLUSH_MS - (performance.now() - this.#flushedAt))
    this.#flushTimer = setTimeout(() => this.#flush(), wait)
    this.#flushTimer.unref()
  }

  #flush(): void {
    this.#flushTimer = null
    this.#flushedAt = performance.now()
    const upsert: AttendeeRow[] = []
    for (const id of this.#dirty) {
      const member = this.#members.get(id)
      if (!member) continue
      const text = JSON.stringify(member.row)
      if (text === member.sent) continue
      member.sent = text
      upsert.push({ ...member.row })
    }
    const removed = [...this.#removed]
    this.#dirty.clear()
    this.#removed.clear()
    if (upsert.length === 0 && removed.length === 0) return
    const message: ServerMessage = { type: 'roomChanged', upsert, removed, now: this.#now }
    for (const listener of this.#listeners) listener.send(message)
  }
}

/** What one attendee socket reports to the room; made by Room.join. */
export class AttendeeHandle {
  #left = false

  constructor(
    private readonly room: Room,
    private readonly member: Member,
    private readonly socket: RoomMemberSocket
  ) {}

  get id(): string {
    return this.member.row.id
  }

  /** Every message the server sends this socket passes here (progress and errors feed the row). */
  observe(message: ServerMessage): void {
    if (!this.#left) this.room.observed(this.member, message)
  }

  setName(name: string | null): void {
    if (!this.#left) this.room.named(this.member, name)
  }

  screen(message: { data: string; cols: number; rows: number; reset: boolean }): void {
    if (!this.#left) this.room.screen(this.member, this.socket, message)
  }

  /** The attendee's inspector opened a key (null: none). */
  viewing(key: string | null): void {
    if (!this.#left) this.room.viewed(this.member, key)
  }

  /** The attendee's own FLUSHDB/FLUSHALL went through. */
  flushed(): void {
    if (!this.#left) this.room.flushed(this.member)
  }

  leave(): void {
    if (this.#left) return
    this.#left = true
    this.room.left(this.member, this.socket)
  }
}
