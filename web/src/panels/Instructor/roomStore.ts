/**
 * @module The instructor's grid as data, folded from the room messages, and the views of it the
 * page shows (sorted, filtered, per-step counts). Pure: the page feeds it and React reads it.
 */
import type { Announcement, AttendeeRow, InstructorServerMessage, ServerInfo, StuckRules } from '../../../../common/protocol/index.ts'

export type RoomState = {
  /** Rows by id, in the order attendees first appeared. */
  rows: ReadonlyMap<string, AttendeeRow>
  rules: StuckRules | null
  server: ServerInfo | null
  /** The room's announcement as attendees see it (null, or withdrawn: none). */
  announcement: Announcement | null
  /** Server clock minus page clock, in ms. */
  clockOffset: number
}

export const initialRoom: RoomState = { rows: new Map(), rules: null, server: null, announcement: null, clockOffset: 0 }

export function reduceRoom(state: RoomState, message: InstructorServerMessage, pageNow: number): RoomState {
  switch (message.type) {
    case 'instructorWelcome':
      return { ...state, rules: message.rules, server: message.server, announcement: message.announcement }
    case 'stuckRulesChanged':
      return { ...state, rules: message.rules }
    case 'announcementChanged':
      return { ...state, announcement: message.announcement }
    case 'room':
      return { ...state, rows: new Map(message.attendees.map((row) => [row.id, row])), clockOffset: message.now - pageNow }
    case 'roomChanged': {
      const rows = new Map(state.rows)
      for (const row of message.upsert) rows.set(row.id, row)
      for (const id of message.removed) rows.delete(id)
      // Kept unless it moved noticeably: every row shows times through it, and a new value each
      // message would re-render all of them five times a second.
      const offset = message.now - pageNow
      return { ...state, rows, clockOffset: Math.abs(offset - state.clockOffset) > 500 ? offset : state.clockOffset }
    }
    default:
      return state
  }
}

export const displayName = (row: AttendeeRow) => row.name ?? `Attendee ${row.number}`

export type SortKey = 'joined' | 'name' | 'progress' | 'time' | 'stuck'
export type FilterKey = 'all' | 'stuck' | 'connected'

/** Steps of each mission, in order (from the missions API). */
export type MissionSteps = ReadonlyMap<string, readonly { id: string; title: string }[]>

export function doneCount(row: AttendeeRow, mission: string | null): number {
  return mission ? (row.done[mission]?.length ?? 0) : 0
}

/** Seconds on the current step at server time `now` (null: not on a step); the clock stands still while they are away. */
export function secondsOnStep(row: AttendeeRow, now: number): number | null {
  return row.stepSince === null ? null : Math.max(0, Math.floor(((row.awayAt ?? now) - row.stepSince) / 1000))
}

/** Who is in the room now, apart from who was ever seen in it, and who asks for help (of those connected). */
export function roomCounts(rows: Iterable<AttendeeRow>): { connected: number; seen: number; help: number } {
  let connected = 0
  let seen = 0
  let help = 0
  for (const row of rows) {
    seen++
    if (row.connected > 0) connected++
    // A flag of someone away waits for them (their row still shows it); the header counts who can be helped now.
    if (row.help !== null && row.connected > 0) help++
  }
  return { connected, seen, help }
}

/** Why the row is flagged stuck, in words (null: it is not). */
export function stuckText(row: AttendeeRow): string | null {
  if (row.stuck === null) return null
  if (row.mission === null) return `${row.errors} errors, no mission open`
  return row.stuck === 'errors' ? `${row.stepErrors} errors on this step` : 'long on this step'
}

/**
 * For each step of `mission`, the error reply most of the attendees on it got last (ties: the
 * first seen) and how many got it; null where nobody on the step has an error. Read from each
 * row's last error, so it costs one pass over the rows and nothing kept.
 */
export function commonErrors(
  rows: Iterable<AttendeeRow>,
  mission: string,
  steps: readonly { id: string }[]
): ({ text: string; count: number } | null)[] {
  const byStep = new Map<string, Map<string, number>>()
  for (const row of rows) {
    if (row.mission !== mission || row.step === null || row.lastError === null) continue
    let counts = byStep.get(row.step)
    if (!counts) byStep.set(row.step, (counts = new Map()))
    counts.set(row.lastError, (counts.get(row.lastError) ?? 0) + 1)
  }
  return steps.map((step) => {
    let best: { text: string; count: number } | null = null
    for (const [text, count] of byStep.get(step.id) ?? []) if (!best || count > best.count) best = { text, count }
    return best
  })
}

export function visibleRows(rows: Iterable<AttendeeRow>, sort: SortKey, filter: FilterKey, now: number): AttendeeRow[] {
  const list = [...rows].filter((row) => (filter === 'stuck' ? row.stuck !== null : filter === 'connected' ? row.connected > 0 : true))
  const byName = (a: AttendeeRow, b: AttendeeRow) => displayName(a).localeCompare(displayName(b), undefined, { numeric: true })
  switch (sort) {
    case 'name':
      return list.sort(byName)
    case 'progress':
      // Least done first: those are the people to go and see.
      return list.sort((a, b) => doneCount(a, a.mission) - doneCount(b, b.mission) || byName(a, b))
    case 'time':
      return list.sort((a, b) => (secondsOnStep(b, now) ?? -1) - (secondsOnStep(a, now) ?? -1) || byName(a, b))
    case 'stuck':
      // Asking for help first (longest waiting first), then stuck.
      return list.sort(
        (a, b) =>
          (a.help ?? Infinity) - (b.help ?? Infinity) ||
          Number(b.stuck !== null) - Number(a.stuck !== null) ||
          b.stepErrors - a.stepErrors ||
          byName(a, b)
      )
    case 'joined':
      return list
  }
}

/** The mission most attendees have open (ties: the first in `order`); null when no one has one. */
export function roomMission(rows: Iterable<AttendeeRow>, order: readonly string[]): string | null {
  const counts = new Map<string, number>()
  for (const row of rows) if (row.mission) counts.set(row.mission, (counts.get(row.mission) ?? 0) + 1)
  let best: string | null = null
  for (const [mission, count] of counts) {
    const current = best === null ? -1 : counts.get(best)!
    if (count > current || (count === current && order.indexOf(mission) < order.indexOf(best!))) best = mission
  }
  return best
}

/** For each step of `mission`, how many attendees have done it. */
export function stepCounts(rows: Iterable<AttendeeRow>, mission: string, steps: readonly { id: string }[]): number[] {
  const counts = steps.map(() => 0)
  for (const row of rows) {
    const done = new Set(row.done[mission] ?? [])
    steps.forEach((step, index) => {
      if (done.has(step.id)) counts[index]!++
    })
  }
  return counts
}
