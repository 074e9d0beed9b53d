/**
 * @module The room: one row per attendee (sandbox) for the instructor's grid, the current
 * announcement, the stuck rules, and who is being watched. It composes the table of rows
 * (RoomTable), the members with sockets on this process (roomMembers), the stuck ticker
 * (StuckTicker), the coalesced feed to instructors (RoomBroadcast), the watches (WatchBook, each
 * member's WatchRelay) and, when `shared` is given, the link to the other playground processes
 * through the control Valkey (RoomSync; RoomRemote applies what they say).
 *
 * Stuck flags are computed by every process for every row from the shared row, the shared rules
 * and the clock: each attendee is flagged once, the same way on every instructor's page.
 *
 * Limits: alone (no `shared`), the room lives in memory and rows come back as attendees reconnect
 * after a restart. A sandbox recycled while idle leaves the room.
 */
import { randomBytes } from 'node:crypto'
import type { Announcement, AttendeeRow, ServerMessage, StuckRules } from '../../../common/protocol/index.ts'
import type { SandboxUsers } from '../sandbox/aclRules.ts'
import { AttendeeHandle, type MemberReports } from './AttendeeHandle.ts'
import { AttendeeNumbers } from './AttendeeNumbers.ts'
import { RoomBroadcast, type RoomListener } from './RoomBroadcast.ts'
import { attendeeId, RoomMembers, type Member, type RoomMemberSocket } from './roomMembers.ts'
import { RoomRemote, type RoomParts } from './RoomRemote.ts'
import { RoomSync, type RoomSyncOptions } from './RoomSync.ts'
import { RoomTable, type RoomEntry } from './RoomTable.ts'
import {
  markAway,
  markBack,
  newSharedRow,
  recordError,
  recordProgress,
  rename,
  restartProgress,
  setHelp,
  type MissionSteps,
} from './sharedRow.ts'
import { StuckTicker } from './StuckTicker.ts'
import { WatchBook } from './WatchBook.ts'
import type { ScreenChunk, Watcher } from './WatchRelay.ts'

export type RoomOptions = {
  steps: MissionSteps
  /** The rules to start with; with `shared`, the ones already stored in the control Valkey win. */
  rules: StuckRules
  /** Empties a sandbox's database and forgets its mission progress. */
  resetSandbox: (number: number) => Promise<void>
  now?: () => number
  log?: (message: string) => void
  /** The room is shared with the other playground processes through this control Valkey. */
  shared?: RoomSyncOptions
  /** The ACL users of sandbox `number`: a watch reads the sandbox of an attendee on another process with them. */
  usersOf?: (number: number) => SandboxUsers | null
  /** An instructor on another process reset sandbox `number` (its database is already empty). */
  resetElsewhere?: (number: number) => void
}

export class Room implements MemberReports {
  readonly #parts: RoomParts
  readonly #sync: RoomSync | null
  readonly #remote: RoomRemote
  readonly #numbers: AttendeeNumbers
  #closing: Promise<void> | null = null

  constructor(private readonly options: RoomOptions) {
    const self = options.shared?.processId ?? 'this-process'
    const members = new RoomMembers()
    const table = new RoomTable((process) => (this.#sync ? this.#sync.presence.alive(process) : process === self))
    const parts: RoomParts = {
      self,
      members,
      table,
      stuck: new StuckTicker(options.rules, () => this.#tick()),
      broadcast: new RoomBroadcast({ rows: () => this.rows(), row: (id) => table.get(id)?.row, now: () => this.#now }),
      watches: new WatchBook((id) => this.#localMember(id)),
      announcement: null,
      localMember: (id) => this.#localMember(id),
      show: (entry) => this.#show(entry),
      tick: () => this.#tick(),
      now: () => this.#now,
      resetElsewhere: options.resetElsewhere ?? (() => undefined),
    }
    this.#parts = parts
    this.#remote = new RoomRemote(parts, () => this.#sync)
    this.#sync = options.shared ? new RoomSync(options.shared, this.#remote, () => this.rules, options.log ?? (() => undefined)) : null
    this.#numbers = new AttendeeNumbers(
      table,
      async () => (this.#sync ? await this.#sync.nextNumber() : null),
      options.log ?? (() => undefined)
    )
  }

  /** Shared: resolves once the room read the shared state (announcement, rules, rows). Alone: at once. */
  async start(): Promise<void> {
    await this.#sync?.start()
  }

  /** The link to the other processes (null: this process alone); tests drop its connection. */
  get sync(): RoomSync | null {
    return this.#sync
  }

  get #now(): number {
    return (this.options.now ?? Date.now)()
  }

  get rules(): StuckRules {
    return this.#parts.stuck.rules
  }

  get announcement(): Announcement | null {
    return this.#parts.announcement
  }

  /** Every row, in the order attendees first joined (shared: every process's attendees). */
  rows(): AttendeeRow[] {
    return [...this.#parts.table.entries()].map((entry) => ({ ...entry.row }))
  }

  /** A member's sandbox, for the instructor's watch (read as the sandbox's own user). */
  sandboxOf(id: string): { db: number; users: SandboxUsers } | null {
    const member = this.#localMember(id)
    if (member) return { db: member.entry.shared.number, users: member.users }
    const entry = this.#parts.table.get(id)
    const users = entry ? this.options.usersOf?.(entry.shared.number) : null
    return entry && users ? { db: entry.shared.number, users } : null
  }

  // ------------------------------------------------------------ attendees

  /** Before join: an attendee new to the room gets a number no one else had (AttendeeNumbers). */
  async claimNumber(token: string): Promise<void> {
    await this.#numbers.claim(attendeeId(token))
  }

  /** An attendee socket got its sandbox; returns the handle the socket reports through. */
  join(
    lease: { token: string; users: SandboxUsers; sandbox: { number: number } },
    name: string | null,
    socket: RoomMemberSocket
  ): AttendeeHandle {
    const { table, members, watches } = this.#parts
    const id = attendeeId(lease.token)
    const now = this.#now
    // The sandbox's number across the pool: rows, resets and recycling all name it so.
    const number = lease.sandbox.number
    // The same number under another token: the old sandbox was recycled and its row is stale.
    const previous = table.at(number)
    if (previous && previous.shared.id !== id) this.forget(number)
    const moved = table.get(id)
    if (moved && moved.shared.number !== number) this.forget(moved.shared.number)
    const entry = table.get(id) ?? table.upsert(newSharedRow(id, number, null, now, moved?.shared.label)).entry
    if (entry.shared.label === 0) entry.shared.label = this.#numbers.take(id)
    else this.#numbers.drop(id)
    if (name !== null) rename(entry.shared, name, now)
    markBack(entry.shared, now)
    table.derive(entry)
    const member = members.enter(entry, lease.users, socket)
    member.told = { help: entry.shared.help !== null, number: entry.row.number }
    socket.send({ type: 'attendee', number: entry.row.number, name: entry.shared.name })
    socket.send({ type: 'helpState', on: member.told.help })
    const { announcement } = this.#parts
    if (announcement && !announcement.withdrawn) socket.send({ type: 'announcement', announcement })
    member.watch.joined(socket)
    watches.attachAll(member)
    this.#changed(entry)
    return new AttendeeHandle(this, member, socket)
  }

  /** The sandbox `number` was recycled or handed to someone else: its row leaves the room. */
  forget(number: number): void {
    const entry = this.#parts.table.at(number)
    if (!entry) return
    this.#remote.drop(entry)
    this.#sync?.removed(number, entry.shared.id, [...entry.online.keys(), this.#parts.self])
  }

  /** @internal AttendeeHandle: a socket of the member closed. */
  left(member: Member, socket: RoomMemberSocket): void {
    this.#parts.members.leave(member, socket)
    member.watch.left(socket, member.sockets.at(-1))
    if (this.#localMember(member.id) !== member) return
    const { entry } = member
    // Their last tab anywhere: the step's clock stops until they are back.
    if (member.sockets.length === 0 && entry.row.connected - (entry.online.get(this.#parts.self) ?? 0) <= 0) {
      markAway(entry.shared, this.#now)
    }
    this.#changed(entry)
  }

  /** @internal AttendeeHandle: what the server just sent one of the member's sockets. */
  observed(member: Member, message: ServerMessage): void {
    if (message.type === 'reply') {
      const reply = message.replies[0]
      if (reply?.t !== 'err') return
      recordError(member.entry.shared, this.#now, reply.s)
    } else if (message.type === 'missionProgress') {
      recordProgress(member.entry.shared, message, this.options.steps, this.#now)
    } else {
      return
    }
    this.#changed(member.entry)
  }

  /** @internal AttendeeHandle: the member chose a name. */
  named(member: Member, name: string | null): void {
    rename(member.entry.shared, name, this.#now)
    this.#changed(member.entry)
  }

  /** @internal AttendeeHandle: the member raised or lowered their "I need help" flag. */
  askedHelp(member: Member, on: boolean): void {
    if ((member.entry.shared.help !== null) === on) return this.#tell(member)
    setHelp(member.entry.shared, on, this.#now)
    this.#changed(member.entry)
  }

  /** @internal AttendeeHandle: the member's socket sent terminal output. */
  screen(member: Member, socket: RoomMemberSocket, message: ScreenChunk): void {
    member.watch.screen(socket, message, this.#now)
  }

  /** @internal AttendeeHandle: the member's inspector opened a key (null: closed it). */
  viewed(member: Member, key: string | null): void {
    member.watch.viewed(key)
  }

  /** @internal AttendeeHandle: the member emptied their own sandbox (FLUSHDB). */
  flushed(member: Member): void {
    member.watch.emptied()
  }

  // ------------------------------------------------------------ instructors

  /** An instructor socket: gets the whole room now and every change after. */
  subscribe(listener: RoomListener): () => void {
    const { broadcast, stuck } = this.#parts
    const unsubscribe = broadcast.subscribe(listener)
    stuck.start()
    return () => {
      unsubscribe()
      if (!broadcast.listening) stuck.stop()
    }
  }

  setRules(rules: StuckRules): void {
    this.#remote.rules(rules)
    this.#sync?.setRules(this.rules)
  }

  announce(text: string, mission: string | null, step: string | null): Announcement {
    // Unique across restarts too: a page remembers which announcements it dismissed.
    const at = this.#now
    const id = Math.max(at, (this.#parts.announcement?.id ?? 0) + 1)
    const announcement: Announcement = { id, text, mission, step, at }
    this.#remote.announcement(announcement)
    this.#sync?.announced(announcement)
    return announcement
  }

  /** Takes the current announcement back everywhere; false when there is none to take back. */
  withdrawAnnouncement(): boolean {
    const current = this.#parts.announcement
    if (!current || current.withdrawn) return false
    const at = this.#now
    const withdrawn: Announcement = { id: Math.max(at, current.id + 1), text: '', mission: null, step: null, at, withdrawn: true }
    this.#remote.announcement(withdrawn)
    this.#sync?.announced(withdrawn)
    return true
  }

  /** Lowers attendee `id`'s help flag (whichever process serves them); false for an unknown attendee. */
  clearHelp(id: string): boolean {
    const entry = this.#parts.table.get(id)
    if (!entry) return false
    if (entry.shared.help !== null) {
      setHelp(entry.shared, false, this.#now)
      this.#changed(entry)
    }
    return true
  }

  /** Starts watching `id` (on whichever process their sockets are); returns a stop function, or null for an unknown attendee. */
  watch(id: string, watcher: Watcher): (() => void) | null {
    if (!this.#parts.table.get(id)) return null
    const watch = randomBytes(8).toString('hex')
    this.#parts.watches.add(watch, id, this.#parts.self, watcher)
    this.#sync?.watch(watch, id)
    let stopped = false
    return () => {
      if (stopped) return
      stopped = true
      this.#parts.watches.remove(watch)
      this.#sync?.unwatch(watch)
    }
  }

  /** Empties one attendee's sandbox and their progress; their open pages (on any process) start over. */
  async resetSandbox(id: string): Promise<boolean> {
    const { table } = this.#parts
    const entry = table.get(id)
    if (!entry) return false
    const { number } = entry.shared
    await this.options.resetSandbox(number)
    // Gone meanwhile (recycled): nothing more to tell.
    if (table.get(id) !== entry) return true
    restartProgress(entry.shared, this.options.steps, this.#now)
    this.#remote.emptied(id)
    this.#changed(entry)
    this.#sync?.reset(id, number)
    return true
  }

  /** Stops the room here; shutdown() also waits for the goodbye to the other processes. */
  close(): void {
    void this.shutdown()
  }

  /** Stops the room, and (shared) tells the other processes this one's sockets and watches are gone. */
  async shutdown(): Promise<void> {
    this.#parts.stuck.stop()
    this.#parts.broadcast.close()
    this.#closing ??= this.#sync?.close() ?? Promise.resolve()
    await this.#closing
  }

  // ------------------------------------------------------------ internals

  /** The member of `id` on this process, while its row is the table's. */
  #localMember(id: string): Member | undefined {
    const member = this.#parts.members.get(id)
    return member && member.entry === this.#parts.table.get(id) ? member : undefined
  }

  /** A change made here: counted, shown, and told to the other processes. */
  #changed(entry: RoomEntry): void {
    const count = this.#localMember(entry.shared.id)?.sockets.length ?? 0
    this.#parts.table.setOnline(entry, this.#parts.self, count)
    this.#show(entry)
    this.#sync?.row(entry, count)
  }

  #show(entry: RoomEntry): void {
    const { stuck, broadcast } = this.#parts
    stuck.refresh(entry, this.#now)
    if (broadcast.listening) broadcast.changed(entry.shared.id)
    const member = this.#localMember(entry.shared.id)
    if (member) this.#tell(member)
  }

  /** The member's pages learn a change of their help flag or number, whoever made it and on whichever process. */
  #tell(member: Member): void {
    const { row } = member.entry
    const help = row.help !== null
    if (help !== member.told.help) for (const socket of member.sockets) socket.send({ type: 'helpState', on: help })
    if (row.number !== member.told.number) {
      for (const socket of member.sockets) socket.send({ type: 'attendee', number: row.number, name: row.name })
    }
    member.told = { help, number: row.number }
  }

  #tick(): void {
    const { table, stuck, broadcast } = this.#parts
    const now = this.#now
    for (const entry of table.entries()) if (stuck.refresh(entry, now)) broadcast.changed(entry.shared.id)
  }
}
