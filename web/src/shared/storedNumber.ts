/**
 * @module A number remembered in this browser (localStorage), clamped to a range: pane sizes.
 * Until one is stored, the caller's default applies, and it may change (a default computed from the
 * window's size follows the window). Storage may be blocked (private modes, policies); then the
 * default is used and nothing is kept.
 */
import { useCallback, useState } from 'react'

const PREFIX = 'valkey-playground:'

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value))

function read(name: string, min: number, max: number): number | null {
  try {
    const raw = localStorage.getItem(PREFIX + name)
    const value = raw === null ? NaN : Number(raw)
    return Number.isFinite(value) ? clamp(value, min, max) : null
  } catch {
    return null
  }
}

export function useStoredNumber(name: string, fallback: number, min: number, max: number): [number, (value: number) => void] {
  // Kept with its name: when the caller switches names (another layout), the other one is read.
  const [stored, setStored] = useState(() => ({ name, value: read(name, min, max) }))
  const value = stored.name === name ? stored.value : read(name, min, max)
  const set = useCallback(
    (next: number) => {
      const clamped = clamp(next, min, max)
      setStored({ name, value: clamped })
      try {
        localStorage.setItem(PREFIX + name, String(Math.round(clamped * 1000) / 1000))
      } catch {
        // Not remembered; it still applies to this page.
      }
    },
    [name, min, max]
  )
  return [value ?? clamp(fallback, min, max), set]
}
