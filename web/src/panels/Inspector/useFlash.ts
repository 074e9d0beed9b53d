/**
 * @module The change flash: a short highlight on a row whose data just changed.
 *
 * Played with the Web Animations API from an effect (not a class chosen during render, which
 * would need the clock in render), so it restarts on every change and, for a row scrolled into
 * view mid-flash, plays only what is left of it.
 */
import { useEffect, useRef } from 'react'

const FLASH_MS = 1500
/** --accent at 45 %: the same blue as the selection, faded out. */
const FLASH_FROM = 'rgba(105, 131, 255, 0.45)'

/** Returns a ref for the element to flash whenever `changedAt` (page clock, ms) moves. */
export function useFlash<T extends HTMLElement>(changedAt: number | undefined) {
  const ref = useRef<T>(null)
  useEffect(() => {
    const element = ref.current
    if (!element || !changedAt) return
    const elapsed = Date.now() - changedAt
    if (elapsed >= FLASH_MS || typeof element.animate !== 'function') return
    const animation = element.animate([{ backgroundColor: FLASH_FROM }, { backgroundColor: 'transparent' }], {
      duration: FLASH_MS,
      easing: 'ease-out',
    })
    animation.currentTime = Math.max(0, elapsed)
    return () => animation.cancel()
  }, [changedAt])
  return ref
}
