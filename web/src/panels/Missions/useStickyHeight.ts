/**
 * @module Keeps a CSS variable on an element equal to the height of its sticky header, so that
 * whatever scrolls under the header (a step followed from a link) can leave room for it with
 * `scroll-margin-top`, however the header wraps at this width.
 */
import { useLayoutEffect, useRef } from 'react'

export const STICKY_HEIGHT_VAR = '--sticky-header-height'

/** Returns the ref for the header; the variable is set on its parent element. */
export function useStickyHeight<T extends HTMLElement>() {
  const header = useRef<T>(null)
  useLayoutEffect(() => {
    const element = header.current
    const parent = element?.parentElement
    if (!element || !parent) return
    const update = () => parent.style.setProperty(STICKY_HEIGHT_VAR, `${element.getBoundingClientRect().height}px`)
    update()
    // Absent in very old browsers and some test environments: the stylesheet's fallback applies.
    if (typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(update)
    observer.observe(element)
    return () => observer.disconnect()
  }, [])
  return header
}
