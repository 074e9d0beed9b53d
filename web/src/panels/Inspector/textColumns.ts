/**
 * @module How many monospace columns an element has room for, kept current as it resizes: its
 * content width divided by its font's advance (one canvas measurement per font). One
 * ResizeObserver serves every element that asks, so a list of many names costs one observer.
 */
import { useEffect, useState, type RefObject } from 'react'

const advanceByFont = new Map<string, number>()
let canvas: CanvasRenderingContext2D | null | undefined

/** Width in px of one column ("0") in the element's font. */
function advance(element: Element): number {
  const style = getComputedStyle(element)
  const font = style.font || `${style.fontSize} ${style.fontFamily}`
  let width = advanceByFont.get(font)
  if (width === undefined) {
    canvas ??= document.createElement('canvas').getContext('2d')
    if (canvas) canvas.font = font
    // Without a canvas: the usual advance of a monospace font, 0.6 em.
    width = canvas ? canvas.measureText('0').width : parseFloat(style.fontSize) * 0.6
    if (!(width > 0)) width = 8
    advanceByFont.set(font, width)
  }
  return width
}

const listeners = new Map<Element, (columns: number) => void>()
let observer: ResizeObserver | null = null

function watch(element: Element, onColumns: (columns: number) => void): () => void {
  observer ??= new ResizeObserver((entries) => {
    for (const entry of entries) {
      const listener = listeners.get(entry.target)
      if (listener) listener(Math.floor(entry.contentRect.width / advance(entry.target)))
    }
  })
  listeners.set(element, onColumns)
  observer.observe(element)
  return () => {
    listeners.delete(element)
    observer?.unobserve(element)
  }
}

/** Columns the element has room for; null until it has been measured (first frame). */
export function useColumns(ref: RefObject<Element | null>): number | null {
  const [columns, setColumns] = useState<number | null>(null)
  useEffect(() => {
    const element = ref.current
    if (!element) return
    return watch(element, setColumns)
  }, [ref])
  return columns
}
