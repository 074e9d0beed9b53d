/**
 * @module The pure rules of the instructor's grid: which step an attendee is on, and when they
 * count as stuck. Kept apart from the room's bookkeeping so they are tested without sockets.
 */
import { ERROR_WINDOW_MS, type StuckReason, type StuckRules } from '../../../common/protocol/index.ts'

/** The first step of the mission not yet done; null when every step is done (or the mission is unknown). */
export function currentStep(stepIds: readonly string[], done: readonly string[] | undefined): string | null {
  const finished = new Set(done ?? [])
  return stepIds.find((id) => !finished.has(id)) ?? null
}

export type StuckInput = {
  connected: number
  mission: string | null
  step: string | null
  stepSince: number | null
  stepErrors: number
  /** Error replies in the last ERROR_WINDOW_MS. */
  errors: number
}

/**
 * Stuck: connected, and either on a step that is not done for `afterSeconds` (`stepSince` already
 * leaves out the time away) or with `errors` error replies since it became current; or, with no
 * mission open yet ("choosing a mission"), `errors` error replies in the last ERROR_WINDOW_MS:
 * someone typing commands that fail before any lesson is open is lost, while someone simply
 * waiting on the mission list before the instructor starts is not. Someone who closed the tab is
 * not stuck (the grid shows them as away instead), and nor is someone who finished.
 */
export function stuckReason(row: StuckInput, rules: StuckRules, now: number): StuckReason | null {
  if (row.connected === 0) return null
  if (row.mission === null) return row.errors >= rules.errors ? 'errors' : null
  if (row.step === null || row.stepSince === null) return null
  if (row.stepErrors >= rules.errors) return 'errors'
  if (now - row.stepSince >= rules.afterSeconds * 1000) return 'time'
  return null
}

/** Drops error times older than the window (the list is oldest first); returns how many remain. */
export function recentErrors(times: number[], now: number): number {
  let stale = 0
  while (stale < times.length && now - times[stale]! > ERROR_WINDOW_MS) stale++
  if (stale > 0) times.splice(0, stale)
  return times.length
}
