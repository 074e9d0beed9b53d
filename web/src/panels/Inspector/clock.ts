/**
 * @module One shared ticker for every countdown on the page, so a list of
 * keys with TTLs costs one timer, not one each. Countdowns compute from the
 * absolute expiry on every tick, so they never drift.
 */
import { useSyncExternalStore } from 'react'

const TICK_MS = 250
const listeners = new Set<() => void>()
let now = Date.now()
let timer: ReturnType<typeof setInterval> | null = null

function subscribe(listener: () => void): () => void {
  listeners.add(listener)
  timer ??= setInterval(() => {
    now = Date.now()
    for (const notify of listeners) notify()
  }, TICK_MS)
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0 && timer) {
      clearInterval(timer)
      timer = null
    }
  }
}

/** The page's clock, updated four times a second while anything listens. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now)
}
