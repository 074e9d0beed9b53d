/**
 * @module What each check line of the open mission shows: ✓ only when it means something.
 *
 * A step is *reached* when it is done, when every step before it is done (it is the current
 * step), or when the learner acted in it (a `ran` check of it saw a reply: they are doing it out
 * of order). A check of a step not reached is `waiting`, whatever it reads: "The record is gone"
 * is trivially true on an empty sandbox, before the learner made any record.
 *
 * An *absence* check holds on an empty sandbox (`exists K = 0`, `hexists K F = 0`, `hget K F =
 * nil`, `keys P = 0`...). Even in a reached step it shows ✓ only when one of the step's other
 * checks, one that needs something to exist or be run, holds too: otherwise "Pizza 17 is
 * delivered" would be ticked before Set up made the pizzas, and go back to ○ after it.
 *
 * Whether a step is *done* is unchanged (all of its checks hold at once); this only decides what
 * the lines show. Pure.
 */
import type { MissionCheckLine } from '../../../common/protocol/index.ts'
import { meets, type Check, type CheckValue, type Probe } from './checkLanguage.ts'

/** What each probe reads on an empty sandbox. */
function emptyValue(probe: Probe): CheckValue | undefined {
  switch (probe.kind) {
    case 'hget':
      return null
    case 'hexists':
    case 'hlen':
    case 'exists':
    case 'keys':
    case 'dbsize':
      return 0
    case 'ttl':
    case 'pttl':
    case 'httl':
      return -2
    case 'type':
      return 'none'
    case 'ran':
      return undefined
  }
}

/** Whether a check holds on an empty sandbox, before the learner did anything. */
export const holdsOnNothing = (check: Check): boolean => meets(emptyValue(check.probe), check.expect)

export type StepResults = {
  id: string
  checks: readonly Check[]
  /** Per check: whether it holds now, and why not. */
  results: readonly { holds: boolean; why: string | null }[]
  done: boolean
  /** A `ran` check of this step has seen a reply. */
  acted: boolean
  /** The server lacks a feature this step needs: never checked, and it does not hold back later steps. */
  skipped?: boolean
}

/** The lines of every step, in order (see the module comment). */
export function checkLines(steps: readonly StepResults[]): Record<string, MissionCheckLine[]> {
  const lines: Record<string, MissionCheckLine[]> = {}
  let earlierAllDone = true
  for (const step of steps) {
    if (step.skipped) {
      lines[step.id] = step.checks.map(() => ({ state: 'waiting', why: null }))
      continue
    }
    const reached = step.done || earlierAllDone || step.acted
    earlierAllDone &&= step.done
    if (step.done) {
      lines[step.id] = step.checks.map(() => ({ state: 'ok', why: null }))
      continue
    }
    const absence = step.checks.map(holdsOnNothing)
    const evidence = absence.every(Boolean) || step.results.some((result, index) => result.holds && !absence[index])
    lines[step.id] = step.results.map((result, index): MissionCheckLine => {
      if (!reached) return { state: 'waiting', why: null }
      if (!result.holds) return { state: 'failing', why: result.why }
      return absence[index] && !evidence ? { state: 'waiting', why: null } : { state: 'ok', why: null }
    })
  }
  return lines
}
