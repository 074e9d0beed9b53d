/**
 * @module Measurements of laid-out elements that the page's layout depends on: an element's content
 * height (followed through resizes), and the height of one row of the terminal once xterm has drawn it.
 */
import { useEffect, useLayoutEffect, useState, type RefObject } from 'react'

/** The element's content-box height in CSS px (0 until measured), following resizes. */
export function useContentHeight(ref: RefObject<HTMLElement | null>): number {
  const [height, setHeight] = useState(0)
  // Measured before the first paint, so the layout does not jump once the number arrives.
  useLayoutEffect(() => {
    const element = ref.current
    if (!element) return
    const style = getComputedStyle(element)
    setHeight(element.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom))
    const observer = new ResizeObserver(([entry]) => setHeight(entry.contentRect.height))
    observer.observe(element)
    return () => observer.disconnect()
  }, [ref])
  return height
}

/**
 * The height of one xterm row inside the element, or null until the terminal has drawn (it opens once
 * connected). It depends on which monospace font the browser has; after the first row it is kept.
 */
export function useTerminalRowHeight(ref: RefObject<HTMLElement | null>): number | null {
  const [height, setHeight] = useState<number | null>(null)
  useEffect(() => {
    const element = ref.current
    if (!element) return
    const read = () => {
      const rowPx = element.querySelector('.xterm-rows > div')?.getBoundingClientRect().height ?? 0
      if (rowPx > 0) setHeight(rowPx)
      return rowPx > 0
    }
    if (read()) return
    const observer = new MutationObserver(() => {
      if (read()) observer.disconnect()
    })
    observer.observe(element, { childList: true, subtree: true })
    return () => observer.disconnect()
  }, [ref])
  return height
}
