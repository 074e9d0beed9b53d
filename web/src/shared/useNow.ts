/**
 * @module The page's clock, for countdowns, "time on step" and "read N s ago": one shared timer per
 * interval, however many components read it, so a list of keys with TTLs or three hundred cells that
 * show a time cost one timer and re-render only themselves. What reads it computes from absolute
 * times on every tick, so nothing drifts.
 */
import { useSyncExternalStore } from 'react'

class Clock {
  #now = Date.now()
  #listeners = new Set<() => void>()
  #timer: ReturnType<typeof setInterval> | null = null

  constructor(private readonly intervalMs: number) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener)
    this.#timer ??= setInterval(() => {
      this.#now = Date.now()
      for (const each of this.#listeners) each()
    }, this.intervalMs)
    return () => {
      this.#listeners.delete(listener)
      if (this.#listeners.size === 0 && this.#timer) {
        clearInterval(this.#timer)
        this.#timer = null
      }
    }
  }

  /**
   * While nothing reads the clock its timer is stopped and the time goes stale; the first reader to
   * mount must not render from it (a countdown would show a TTL seconds too long until the first
   * tick). Refreshed at most once per interval, so React sees a stable value within a render.
   */
  readonly snapshot = (): number => {
    if (this.#timer === null && Date.now() - this.#now >= this.intervalMs) this.#now = Date.now()
    return this.#now
  }
}

const clocks = new Map<number, Clock>()

function clockOf(intervalMs: number): Clock {
  let clock = clocks.get(intervalMs)
  if (!clock) clocks.set(intervalMs, (clock = new Clock(intervalMs)))
  return clock
}

/** The time, updated every `intervalMs` (four times a second unless told otherwise) while anything reads it. */
export function useNow(intervalMs = 250): number {
  const clock = clockOf(intervalMs)
  return useSyncExternalStore(clock.subscribe, clock.snapshot)
}
