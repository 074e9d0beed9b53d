/**
 * @module The room: one row per attendee (sandbox) for the instructor's grid, the current
 * announcement, and who is being watched. It composes the members and their rows (roomMembers),
 * the stuck ticker (StuckTicker), the coalesced feed to instructors (RoomBroadcast) and each
 * member's watch (WatchRelay).
 *
 * Limits: the room lives in memory. After a proxy restart rows come back as attendees reconnect
 * (their progress is in Valkey); a sandbox recycled while idle leaves the room.
 */
import type { Announcement, AttendeeRow, ServerMessage, StuckRules } from '../../../common/protocol/index.ts'
import type { SandboxUsers } from '../sandbox/aclRules.ts'
import { AttendeeHandle, type MemberReports } from './AttendeeHandle.ts'
import { RoomBroadcast, type RoomListener } from './RoomBroadcast.ts'
import {
  attendeeId,
  recordError,
  recordProgress,
  restartProgress,
  RoomMembers,
  type Member,
  type MissionSteps,
  type RoomMemberSocket,
} from './roomMembers.ts'
import { StuckTicker } from './StuckTicker.ts'
import type { ScreenChunk, Watcher } from './WatchRelay.ts'

export type RoomOptions = {
  steps: MissionSteps
  rules: StuckRules
  /** Empties a sandbox's database and forgets its mission progress (`db`: the sandbox's number). */
  resetSandbox: (db: number) => Promise<void>
  now?: () => number
  log?: (message: string) => void
}

export class Room implements MemberReports {
  readonly #members = new RoomMembers()
  readonly #broadcast: RoomBroadcast
  readonly #stuck: StuckTicker
  #announcement: Announcement | null = null

  constructor(private readonly options: RoomOptions) {
    this.#stuck = new StuckTicker(options.rules, () => this.#tick())
    this.#broadcast = new RoomBroadcast({ rows: () => this.rows(), row: (id) => this.#members.get(id)?.row, now: () => this.#now })
  }

  get #now(): number {
    return (this.options.now ?? Date.now)()
  }

  get rules(): StuckRules {
    return this.#stuck.rules
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
  join(
    lease: { token: string; users: SandboxUsers; sandbox: { number: number } },
    name: string | null,
    socket: RoomMemberSocket
  ): AttendeeHandle {
    const id = attendeeId(lease.token)
    // The sandbox's number across the pool: rows, resets and recycling all name it so.
    const db = lease.sandbox.number
    // The same database under another token: the old sandbox was recycled and its row is stale.
    const previous = this.#members.idOn(db)
    if (previous !== undefined && previous !== id) this.forget(db)
    const member = this.#members.enter(id, db, lease.users, name, socket)
    socket.send({ type: 'attendee', number: db, name: member.row.name })
    if (this.#announcement) socket.send({ type: 'announcement', announcement: this.#announcement })
    member.watch.joined(socket)
    this.#changed(member)
    return new AttendeeHandle(this, member, socket)
  }

  /** The sandbox of `db` was recycled or handed to someone else: its row leaves the room. */
  forget(db: number): void {
    const member = this.#members.remove(db)
    if (!member) return
    this.#broadcast.removed(member.row.id)
    member.watch.emptied()
  }

  /** @internal AttendeeHandle: a socket of the member closed. */
  left(member: Member, socket: RoomMemberSocket): void {
    this.#members.leave(member, socket)
    member.watch.left(socket, member.sockets.at(-1))
    this.#changed(member)
  }

  /** @internal AttendeeHandle: what the server just sent one of the member's sockets. */
  observed(member: Member, message: ServerMessage): void {
    if (message.type === 'reply') {
      if (message.replies[0]?.t !== 'err') return
      recordError(member, this.#now)
    } else if (message.type === 'missionProgress') {
      recordProgress(member, message, this.options.steps, this.#now)
    } else {
      return
    }
    this.#changed(member)
  }

  /** @internal AttendeeHandle: the member chose a name. */
  named(member: Member, name: string | null): void {
    member.row.name = name
    this.#changed(member)
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
    const unsubscribe = this.#broadcast.subscribe(listener)
    this.#stuck.start()
    return () => {
      unsubscribe()
      if (!this.#broadcast.listening) this.#stuck.stop()
    }
  }

  setRules(rules: StuckRules): void {
    this.#stuck.setRules(rules)
    this.#broadcast.send({ type: 'stuckRulesChanged', rules: this.rules })
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
    return member.watch.add(watcher, member.sockets.at(-1))
  }

  /** Empties one attendee's sandbox and their progress; their open pages start over. */
  async resetSandbox(id: string): Promise<boolean> {
    const member = this.#members.get(id)
    if (!member) return false
    await this.options.resetSandbox(member.db)
    // Gone meanwhile (recycled): nothing more to tell.
    if (this.#members.get(id) !== member) return true
    restartProgress(member, this.options.steps, this.#now)
    for (const socket of member.sockets) socket.sandboxReset()
    member.watch.emptied()
    this.#changed(member)
    return true
  }

  close(): void {
    this.#stuck.stop()
    this.#broadcast.close()
  }

  // ------------------------------------------------------------ internals

  #changed(member: Member): void {
    this.#stuck.refresh(member, this.#now)
    if (this.#broadcast.listening) this.#broadcast.changed(member.row.id)
  }

  #tick(): void {
    const now = this.#now
    for (const member of this.#members.values()) if (this.#stuck.refresh(member, now)) this.#broadcast.changed(member.row.id)
  }
}
