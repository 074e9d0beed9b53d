/**
 * @module The room's members on this process, one per sandbox with a socket here: its sockets and
 * the watch of its screen. Their row lives in the room's table (RoomTable), shared with the other
 * processes; nothing is read from Valkey for the grid.
 */
import { createHash } from 'node:crypto'
import type { ServerMessage } from '../../../common/protocol/index.ts'
import type { SandboxUsers } from '../sandbox/aclRules.ts'
import type { RoomEntry } from './RoomTable.ts'
import { WatchRelay } from './WatchRelay.ts'

/** A stable, public id for a sandbox: a hash of its token, which itself never leaves the attendee. */
export const attendeeId = (token: string) => createHash('sha256').update(`attendee:${token}`).digest('hex').slice(0, 16)

/** One of a member's sockets (an attendee's page), as the room sees it: http/AttendeeSocket is what implements it. */
export type RoomMemberSocket = {
  send(message: ServerMessage): void
  /** The instructor reset this sandbox: the socket's own views read it again. */
  sandboxReset(): void
}

export type { MissionSteps } from './sharedRow.ts'

export type Member = {
  id: string
  /** Its row in the room's table (the same object while the sandbox stays in the room). */
  entry: RoomEntry
  users: SandboxUsers
  /** Sockets in the order they joined; the newest one streams its screen while watched. */
  sockets: RoomMemberSocket[]
  watch: WatchRelay
  /** What the member's pages were last told of the help flag and their number (told again when either changes). */
  told: { help: boolean; number: number }
}

export class RoomMembers {
  readonly #members = new Map<string, Member>()

  get(id: string): Member | undefined {
    return this.#members.get(id)
  }

  values(): IterableIterator<Member> {
    return this.#members.values()
  }

  /** A socket of sandbox `id` joined: the member (made on first sight, or when its entry changed). */
  enter(entry: RoomEntry, users: SandboxUsers, socket: RoomMemberSocket): Member {
    const id = entry.shared.id
    let member = this.#members.get(id)
    if (member && member.entry !== entry) member.entry = entry
    if (!member) {
      member = { id, entry, users, sockets: [], watch: new WatchRelay(id), told: { help: false, number: 0 } }
      this.#members.set(id, member)
    }
    member.sockets.push(socket)
    return member
  }

  /** A socket of the member closed. The member stays (a watch of it goes on until the watcher stops). */
  leave(member: Member, socket: RoomMemberSocket): void {
    member.sockets = member.sockets.filter((each) => each !== socket)
  }

  /** Member `id` leaves the room; returns it (undefined: none was here). */
  remove(id: string): Member | undefined {
    const member = this.#members.get(id)
    this.#members.delete(id)
    return member
  }
}
