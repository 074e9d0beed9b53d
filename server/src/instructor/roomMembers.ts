/**
 * @module The room's members, one per sandbox: its row for the instructor's grid, its sockets, and
 * the row kept current from what those sockets produce (error replies, mission progress, names).
 * Nothing is read from Valkey for the grid.
 */
import { createHash } from 'node:crypto'
import type { AttendeeRow, MissionProgressMessage, ServerMessage } from '../../../common/protocol/index.ts'
import type { SandboxUsers } from '../sandbox/aclRules.ts'
import { currentStep } from './roomRow.ts'
import { WatchRelay } from './WatchRelay.ts'

/** Error times kept per attendee (the count shown is within ERROR_WINDOW_MS anyway). */
const MAX_ERROR_TIMES = 200

/** A stable, public id for a sandbox: a hash of its token, which itself never leaves the attendee. */
export const attendeeId = (token: string) => createHash('sha256').update(`attendee:${token}`).digest('hex').slice(0, 16)

/** One of a member's sockets (an attendee's page), as the room sees it: http/AttendeeSocket is what implements it. */
export type RoomMemberSocket = {
  send(message: ServerMessage): void
  /** The instructor reset this sandbox: the socket's own views read it again. */
  sandboxReset(): void
}

/** Step ids of a mission, in order; null for an unknown mission. */
export type MissionSteps = (missionId: string) => readonly string[] | null

export type Member = {
  row: AttendeeRow
  /** The sandbox's number across the pool (its database, on the first server). */
  db: number
  /** Its ACL users on its own server (users.db is the real database there). */
  users: SandboxUsers
  /** Sockets in the order they joined; the newest one streams its screen while watched. */
  sockets: RoomMemberSocket[]
  errorTimes: number[]
  watch: WatchRelay
}

export class RoomMembers {
  readonly #members = new Map<string, Member>()
  readonly #byDb = new Map<number, string>()

  get(id: string): Member | undefined {
    return this.#members.get(id)
  }

  /** Every member, in the order they first joined. */
  values(): IterableIterator<Member> {
    return this.#members.values()
  }

  /** The id of the member on sandbox `db` (its number across the pool), if any. */
  idOn(db: number): string | undefined {
    return this.#byDb.get(db)
  }

  /** A socket of sandbox `id` joined: the member (made on first sight), its name updated unless `name` is null. */
  enter(id: string, db: number, users: SandboxUsers, name: string | null, socket: RoomMemberSocket): Member {
    let member = this.#members.get(id)
    if (!member) {
      member = { row: newRow(id, db, name), db, users, sockets: [], errorTimes: [], watch: new WatchRelay(id) }
      this.#members.set(id, member)
      this.#byDb.set(db, id)
    }
    if (name !== null) member.row.name = name
    member.sockets.push(socket)
    member.row.connected = member.sockets.length
    return member
  }

  /** A socket of the member closed. */
  leave(member: Member, socket: RoomMemberSocket): void {
    member.sockets = member.sockets.filter((each) => each !== socket)
    member.row.connected = member.sockets.length
  }

  /** The member on database `db` leaves the room; returns it (undefined: none was there). */
  remove(db: number): Member | undefined {
    const id = this.#byDb.get(db)
    if (id === undefined) return undefined
    this.#byDb.delete(db)
    const member = this.#members.get(id)
    this.#members.delete(id)
    return member
  }
}

function newRow(id: string, db: number, name: string | null): AttendeeRow {
  return { id, number: db, name, connected: 0, mission: null, step: null, done: {}, stepSince: null, errors: 0, stepErrors: 0, stuck: null }
}

/** An error reply: counts against the current step, and in the recent-errors window. */
export function recordError(member: Member, now: number): void {
  member.errorTimes.push(now)
  if (member.errorTimes.length > MAX_ERROR_TIMES) member.errorTimes.shift()
  member.row.stepErrors++
}

/** The attendee's mission progress: the open mission, its first step not done, and since when it is current. */
export function recordProgress(member: Member, message: MissionProgressMessage, steps: MissionSteps, now: number): void {
  const { row } = member
  const mission = message.open?.id ?? row.mission
  const stepIds = mission === null ? null : steps(mission)
  const step = stepIds ? currentStep(stepIds, message.done[mission!]) : null
  if (mission !== row.mission || step !== row.step) {
    row.stepSince = step === null ? null : now
    row.stepErrors = 0
  }
  row.mission = mission
  row.step = step
  row.done = message.done
}

/** The sandbox and its progress were emptied: nothing done, the open mission's first step current from now, no errors. */
export function restartProgress(member: Member, steps: MissionSteps, now: number): void {
  const { row } = member
  row.done = {}
  row.step = row.mission ? currentStep(steps(row.mission) ?? [], []) : null
  row.stepSince = row.step === null ? null : now
  row.stepErrors = 0
  member.errorTimes = []
}
