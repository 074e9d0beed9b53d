/**
 * @module The page's clock, for countdowns and "time on step": one shared timer per interval,
 * however many components read it, so three hundred cells that show a time cost one timer and
 * re-render only themselves.
 */
import { useSyncExternalStore } from 'react'

type Clock = { now: number; listeners: Set<() => void>; timer: ReturnType<typeof setInterval> | null }
const clocks = new Map<number, Clock>()

function clockOf(intervalMs: number): Clock {
  let clock = clocks.get(intervalMs)
  if (!clock) clocks.set(intervalMs, (clock = { now: Date.now(), listeners: new Set(), timer: null }))
  return clock
}

export function useNow(intervalMs: number): number {
  const clock = clockOf(intervalMs)
  return useSyncExternalStore(
    (listener) => {
      clock.listeners.add(listener)
      clock.timer ??= setInterval(() => {
        clock.now = Date.now()
        for (const each of clock.listeners) each()
      }, intervalMs)
      return () => {
        clock.listeners.delete(listener)
        if (clock.listeners.size === 0 && clock.timer) {
          clearInterval(clock.timer)
          clock.timer = null
        }
      }
    },
    () => clock.now
  )
}
