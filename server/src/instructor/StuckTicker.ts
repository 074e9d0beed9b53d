/**
 * @module The stuck rules and their ticker: a row's time-based fields (stuck after N seconds,
 * errors leaving the window) are computed on every change, and again once a second while an
 * instructor is connected, since time alone changes them.
 */
import type { StuckRules } from '../../../common/protocol/index.ts'
import type { RoomEntry } from './RoomTable.ts'
import { recentErrors, stuckReason } from './roomRow.ts'

const TICK_MS = 1000

export class StuckTicker {
  #rules: StuckRules
  #timer: NodeJS.Timeout | null = null

  /** `tick`: called every TICK_MS while started. */
  constructor(
    rules: StuckRules,
    private readonly tick: () => void
  ) {
    this.#rules = { ...rules }
  }

  get rules(): StuckRules {
    return { ...this.#rules }
  }

  setRules(rules: StuckRules): void {
    this.#rules = { ...rules }
  }

  /** Recomputes the time-dependent fields of a row; true when any of them changed. */
  refresh(entry: Pick<RoomEntry, 'row' | 'shared'>, now: number): boolean {
    const { row } = entry
    const errors = recentErrors(entry.shared.errorTimes, now)
    const stuck = stuckReason({ ...row, errors }, this.#rules, now)
    const changed = errors !== row.errors || stuck !== row.stuck
    row.errors = errors
    row.stuck = stuck
    return changed
  }

  /** Ticks from now on (again: no effect). */
  start(): void {
    if (this.#timer) return
    this.#timer = setInterval(this.tick, TICK_MS)
    this.#timer.unref()
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
  }
}
