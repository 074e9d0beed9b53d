/**
 * @module The part of an attendee's row that every playground process shares (kept in the control
 * Valkey): who they are, their name and room number, where they are in which mission, when they
 * made errors (and the last one's text), whether they asked for help, and when they left. What the
 * grid shows beyond it (how many tabs are open, errors in the window, stuck) is derived by each
 * process from it, so every instructor sees the same row whichever process serves them.
 */
import { LAST_ERROR_CHARS, type AttendeeRow, type MissionProgressMessage } from '../../../common/protocol/index.ts'
import { currentStep } from './roomRow.ts'

/** Error times kept per attendee (the count shown is within ERROR_WINDOW_MS anyway). */
const MAX_ERROR_TIMES = 200

export type SharedRow = Omit<AttendeeRow, 'connected' | 'errors' | 'stuck'> & {
  /**
   * The sandbox's number across the pool (the key of the row). Not what the grid calls
   * `number`: a recycled sandbox goes to someone else, so the name's number is `label`.
   */
  number: number
  /** The attendee's number in the room ("Attendee 17"), never given to anyone else (0: not known yet). */
  label: number
  /** When error replies came (the room's clock, oldest first): the grid counts those in the window. */
  errorTimes: number[]
  /**
   * When the name, the progress (mission, step, done, errors, away) and the help flag last changed
   * (0: never). Two processes may hold tabs of one attendee; merging keeps the newer of each part,
   * so a tab that joins elsewhere without a name does not erase the name another tab gave.
   */
  nameAt: number
  progressAt: number
  helpAt: number
}

/** Step ids of a mission, in order; null for an unknown mission. */
export type MissionSteps = (missionId: string) => readonly string[] | null

export function newSharedRow(id: string, number: number, name: string | null, now: number, label = 0): SharedRow {
  return {
    id,
    number,
    label,
    name,
    joinedAt: now,
    mission: null,
    step: null,
    done: {},
    stepSince: null,
    awayAt: null,
    finished: {},
    stepErrors: 0,
    lastError: null,
    errorTimes: [],
    help: null,
    nameAt: 0,
    progressAt: 0,
    helpAt: 0,
  }
}

/** An error reply: counts against the current step, and in the recent-errors window; its text is kept (cut). */
export function recordError(row: SharedRow, now: number, text = ''): void {
  row.errorTimes.push(now)
  if (row.errorTimes.length > MAX_ERROR_TIMES) row.errorTimes.shift()
  row.stepErrors++
  const line = text.split('\n', 1)[0]!.trim()
  row.lastError = line === '' ? row.lastError : [...line].slice(0, LAST_ERROR_CHARS).join('')
  row.progressAt = now
}

export function rename(row: SharedRow, name: string | null, now: number): void {
  row.name = name
  row.nameAt = now
}

/** The attendee raised (true) or lowered their help flag, or the instructor lowered it. */
export function setHelp(row: SharedRow, on: boolean, now: number): void {
  row.help = on ? (row.help ?? now) : null
  row.helpAt = now
}

/** The attendee's last tab closed: the step's clock stops until they are back. */
export function markAway(row: SharedRow, now: number): void {
  if (row.awayAt !== null) return
  row.awayAt = now
  row.progressAt = now
}

/** A tab of the attendee opened: the step's clock goes on where it stopped (the time away does not count). */
export function markBack(row: SharedRow, now: number): void {
  if (row.awayAt === null) return
  if (row.stepSince !== null) row.stepSince += Math.max(0, now - row.awayAt)
  row.awayAt = null
  row.progressAt = now
}

/** Of two labels of the same attendee (given by two processes at once), the smaller known one: every process picks the same. */
const lowerLabel = (a: number, b: number) => (a > 0 && b > 0 ? Math.min(a, b) : a || b)
/** The earlier known join time. */
const earlier = (a: number, b: number) => (a > 0 && b > 0 ? Math.min(a, b) : a || b)

/**
 * Another copy of the same attendee's row merged into `row`: of the name, the progress and the
 * help flag, the newer one stays (a tie goes to `other`, the later arrival); the label and join
 * time are the same on every process whatever the order. Returns `row`.
 */
export function mergeRow(row: SharedRow, other: SharedRow): SharedRow {
  row.label = lowerLabel(row.label, other.label)
  row.joinedAt = earlier(row.joinedAt, other.joinedAt)
  if (other.nameAt >= row.nameAt) {
    row.name = other.name
    row.nameAt = other.nameAt
  }
  if (other.progressAt >= row.progressAt) {
    row.mission = other.mission
    row.step = other.step
    row.done = other.done
    row.stepSince = other.stepSince
    row.awayAt = other.awayAt
    row.finished = { ...other.finished }
    row.stepErrors = other.stepErrors
    row.lastError = other.lastError
    row.errorTimes = [...other.errorTimes]
    row.progressAt = other.progressAt
  }
  if (other.helpAt >= row.helpAt) {
    row.help = other.help
    row.helpAt = other.helpAt
  }
  return row
}

/** The attendee's mission progress: the open mission, its first step not done, and since when it is current. */
export function recordProgress(row: SharedRow, message: MissionProgressMessage, steps: MissionSteps, now: number): void {
  const mission = message.open?.id ?? row.mission
  const stepIds = mission === null ? null : steps(mission)
  const step = stepIds ? currentStep(stepIds, message.done[mission!]) : null
  if (mission !== row.mission || step !== row.step) {
    row.stepSince = step === null ? null : now
    row.stepErrors = 0
    row.lastError = null
  }
  row.mission = mission
  row.step = step
  row.done = message.done
  for (const [each, done] of Object.entries(message.done)) {
    const all = steps(each)
    if (row.finished[each] === undefined && all && all.length > 0 && currentStep(all, done) === null) row.finished[each] = now
  }
  row.progressAt = now
}

/** The sandbox and its progress were emptied: nothing done, the open mission's first step current from now, no errors. */
export function restartProgress(row: SharedRow, steps: MissionSteps, now: number): void {
  row.done = {}
  row.finished = {}
  row.step = row.mission ? currentStep(steps(row.mission) ?? [], []) : null
  row.stepSince = row.step === null ? null : now
  row.stepErrors = 0
  row.lastError = null
  row.errorTimes = []
  row.progressAt = now
}

const isEmptyObject = (value: unknown) =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
const isStringOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string'
const isNumberOrNull = (value: unknown): value is number | null => value === null || typeof value === 'number'
const numberOr = (value: unknown, fallback: number) => (typeof value === 'number' && Number.isFinite(value) ? value : fallback)
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * A row read back from the control Valkey or a room message; null when it is not one. Another
 * process (maybe of another version) wrote it, so every field is checked before it is shown, and
 * fields an older version did not write get their neutral value.
 */
export function parseSharedRow(value: unknown): SharedRow | null {
  if (!isRecord(value)) return null
  const row = value
  if (typeof row.id !== 'string' || typeof row.number !== 'number' || !Number.isInteger(row.number)) return null
  if (!isStringOrNull(row.name) || !isStringOrNull(row.mission) || !isStringOrNull(row.step)) return null
  if (!isNumberOrNull(row.stepSince) || typeof row.stepErrors !== 'number') return null
  // Valkey's Lua (which merges stored rows) writes an empty list as {}.
  const errorTimes = isEmptyObject(row.errorTimes) ? [] : row.errorTimes
  if (!Array.isArray(errorTimes) || !errorTimes.every((time) => typeof time === 'number')) return null
  if (!isRecord(row.done)) return null
  const done: Record<string, string[]> = {}
  for (const [mission, steps] of Object.entries(row.done)) {
    if (Array.isArray(steps)) done[mission] = steps.filter((step): step is string => typeof step === 'string')
  }
  const finished: Record<string, number> = {}
  if (isRecord(row.finished)) for (const [mission, at] of Object.entries(row.finished)) if (typeof at === 'number') finished[mission] = at
  const lastError = typeof row.lastError === 'string' ? [...row.lastError].slice(0, LAST_ERROR_CHARS).join('') : null
  const label = numberOr(row.label, 0)
  return {
    id: row.id,
    number: row.number,
    label: Number.isInteger(label) && label > 0 ? label : 0,
    name: row.name,
    joinedAt: numberOr(row.joinedAt, 0),
    mission: row.mission,
    step: row.step,
    done,
    stepSince: row.stepSince,
    awayAt: typeof row.awayAt === 'number' ? row.awayAt : null,
    finished,
    stepErrors: row.stepErrors,
    lastError,
    errorTimes: errorTimes as number[],
    help: typeof row.help === 'number' ? row.help : null,
    nameAt: numberOr(row.nameAt, 0),
    progressAt: numberOr(row.progressAt, 0),
    helpAt: numberOr(row.helpAt, 0),
  }
}
