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

/**
 * While nothing listens the ticker is stopped and `now` goes stale; the
 * first countdown to mount must not render from it (it would show a TTL
 * seconds too long until the first tick). Refreshed at most once per tick
 * length, so React sees a stable value within a render.
 */
function snapshot(): number {
  if (timer === null && Date.now() - now >= TICK_MS) now = Date.now()
  return now
}

/** The page's clock, updated four times a second while anything listens. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, snapshot)
}
