/**
 * @module A number remembered in this browser (localStorage), clamped to a range: pane sizes.
 * Storage may be blocked (private modes, policies); then the default is used and nothing is kept.
 */
import { useCallback, useState } from 'react'

const PREFIX = 'valkey-playground:'

function read(name: string, fallback: number, min: number, max: number): number {
  try {
    const raw = localStorage.getItem(PREFIX + name)
    const value = raw === null ? NaN : Number(raw)
    return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback
  } catch {
    return fallback
  }
}

export function useStoredNumber(name: string, fallback: number, min: number, max: number): [number, (value: number) => void] {
  const [value, setValue] = useState(() => read(name, fallback, min, max))
  const set = useCallback(
    (next: number) => {
      const clamped = Math.min(max, Math.max(min, next))
      setValue(clamped)
      try {
        localStorage.setItem(PREFIX + name, String(Math.round(clamped * 1000) / 1000))
      } catch {
        // Not remembered; it still applies to this page.
      }
    },
    [name, min, max]
  )
  return [value, set]
}
