/**
 * @module The part of an attendee's row that every playground process shares (kept in the control
 * Valkey): who they are, their name, where they are in which mission, and when they made errors.
 * What the grid shows beyond it (how many tabs are open, errors in the window, stuck) is derived
 * by each process from it, so every instructor sees the same row whichever process serves them.
 */
import type { AttendeeRow, MissionProgressMessage } from '../../../common/protocol/index.ts'
import { currentStep } from './roomRow.ts'

/** Error times kept per attendee (the count shown is within ERROR_WINDOW_MS anyway). */
const MAX_ERROR_TIMES = 200

export type SharedRow = Omit<AttendeeRow, 'connected' | 'errors' | 'stuck'> & {
  /** When error replies came (the room's clock, oldest first): the grid counts those in the window. */
  errorTimes: number[]
  /**
   * When the name, and the progress (mission, step, done, errors), last changed (0: never). Two
   * processes may hold tabs of one attendee; merging keeps the newer of each part, so a tab that
   * joins elsewhere without a name does not erase the name another tab gave.
   */
  nameAt: number
  progressAt: number
}

/** Step ids of a mission, in order; null for an unknown mission. */
export type MissionSteps = (missionId: string) => readonly string[] | null

export function newSharedRow(id: string, number: number, name: string | null): SharedRow {
  return { id, number, name, mission: null, step: null, done: {}, stepSince: null, stepErrors: 0, errorTimes: [], nameAt: 0, progressAt: 0 }
}

/** An error reply: counts against the current step, and in the recent-errors window. */
export function recordError(row: SharedRow, now: number): void {
  row.errorTimes.push(now)
  if (row.errorTimes.length > MAX_ERROR_TIMES) row.errorTimes.shift()
  row.stepErrors++
  row.progressAt = now
}

export function rename(row: SharedRow, name: string | null, now: number): void {
  row.name = name
  row.nameAt = now
}

/**
 * Another copy of the same attendee's row merged into `row`: of the name and of the progress,
 * the newer one stays (a tie goes to `other`, the later arrival). Returns `row`.
 */
export function mergeRow(row: SharedRow, other: SharedRow): SharedRow {
  if (other.nameAt >= row.nameAt) {
    row.name = other.name
    row.nameAt = other.nameAt
  }
  if (other.progressAt >= row.progressAt) {
    row.mission = other.mission
    row.step = other.step
    row.done = other.done
    row.stepSince = other.stepSince
    row.stepErrors = other.stepErrors
    row.errorTimes = [...other.errorTimes]
    row.progressAt = other.progressAt
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
  }
  row.mission = mission
  row.step = step
  row.done = message.done
  row.progressAt = now
}

/** The sandbox and its progress were emptied: nothing done, the open mission's first step current from now, no errors. */
export function restartProgress(row: SharedRow, steps: MissionSteps, now: number): void {
  row.done = {}
  row.step = row.mission ? currentStep(steps(row.mission) ?? [], []) : null
  row.stepSince = row.step === null ? null : now
  row.stepErrors = 0
  row.errorTimes = []
  row.progressAt = now
}

const isEmptyObject = (value: unknown) =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
const isStringOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string'
const isNumberOrNull = (value: unknown): value is number | null => value === null || typeof value === 'number'

/**
 * A row read back from the control Valkey or a room message; null when it is not one. Another
 * process (maybe of another version) wrote it, so every field is checked before it is shown.
 */
export function parseSharedRow(value: unknown): SharedRow | null {
  if (typeof value !== 'object' || value === null) return null
  const row = value as Record<string, unknown>
  if (typeof row.id !== 'string' || typeof row.number !== 'number' || !Number.isInteger(row.number)) return null
  if (!isStringOrNull(row.name) || !isStringOrNull(row.mission) || !isStringOrNull(row.step)) return null
  if (!isNumberOrNull(row.stepSince) || typeof row.stepErrors !== 'number') return null
  // Valkey's Lua (which merges stored rows) writes an empty list as {}.
  const errorTimes = isEmptyObject(row.errorTimes) ? [] : row.errorTimes
  if (!Array.isArray(errorTimes) || !errorTimes.every((time) => typeof time === 'number')) return null
  const nameAt = typeof row.nameAt === 'number' ? row.nameAt : 0
  const progressAt = typeof row.progressAt === 'number' ? row.progressAt : 0
  if (typeof row.done !== 'object' || row.done === null || Array.isArray(row.done)) return null
  const done: Record<string, string[]> = {}
  for (const [mission, steps] of Object.entries(row.done)) {
    if (Array.isArray(steps)) done[mission] = steps.filter((step): step is string => typeof step === 'string')
  }
  return {
    id: row.id,
    number: row.number,
    name: row.name,
    mission: row.mission,
    step: row.step,
    done,
    stepSince: row.stepSince,
    stepErrors: row.stepErrors,
    errorTimes: errorTimes as number[],
    nameAt,
    progressAt,
  }
}
