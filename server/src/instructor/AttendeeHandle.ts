/**
 * @module What one attendee socket reports to the room, through the handle Room.join gives it:
 * what the server sent it, its name, its screen, the key its inspector shows. Nothing after it left.
 */
import type { ServerMessage } from '../../../common/protocol/index.ts'
import type { Member, RoomMemberSocket } from './roomMembers.ts'
import type { ScreenChunk } from './WatchRelay.ts'

/** The room's side of a handle (Room implements it). */
export type MemberReports = {
  observed(member: Member, message: ServerMessage): void
  named(member: Member, name: string | null): void
  askedHelp(member: Member, on: boolean): void
  screen(member: Member, socket: RoomMemberSocket, message: ScreenChunk): void
  viewed(member: Member, key: string | null): void
  flushed(member: Member): void
  left(member: Member, socket: RoomMemberSocket): void
}

/** What one attendee socket reports to the room; made by Room.join. */
export class AttendeeHandle {
  #left = false

  constructor(
    private readonly room: MemberReports,
    private readonly member: Member,
    private readonly socket: RoomMemberSocket
  ) {}

  get id(): string {
    return this.member.id
  }

  /** Every message the server sends this socket passes here (progress and errors feed the row). */
  observe(message: ServerMessage): void {
    if (!this.#left) this.room.observed(this.member, message)
  }

  setName(name: string | null): void {
    if (!this.#left) this.room.named(this.member, name)
  }

  /** The attendee raised (true) or lowered their "I need help" flag. */
  askHelp(on: boolean): void {
    if (!this.#left) this.room.askedHelp(this.member, on)
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
