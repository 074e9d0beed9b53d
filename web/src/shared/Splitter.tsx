/**
 * @module A handle between two panes: drag it (mouse, pen or touch) or focus it and use the arrow
 * keys (Home/End for the limits) to move the boundary. It reports a position along the axis of its
 * container, in pixels from the container's start; the caller turns that into a size and keeps it.
 */
import { useRef, type KeyboardEvent, type PointerEvent } from 'react'

export type SplitterProps = {
  /** 'vertical': a vertical bar that moves left and right; 'horizontal': moves up and down. */
  orientation: 'vertical' | 'horizontal'
  label: string
  testId: string
  /** Current position as a share of the container (0..1), for assistive technology and the keys. */
  share: number
  min: number
  max: number
  onShare: (share: number) => void
  className?: string
}

const STEP = 0.02

export function Splitter({ orientation, label, testId, share, min, max, onShare, className }: SplitterProps) {
  const handle = useRef<HTMLDivElement>(null)

  const shareAt = (event: PointerEvent) => {
    const container = handle.current?.parentElement
    if (!container) return null
    const box = container.getBoundingClientRect()
    const position = orientation === 'vertical' ? (event.clientX - box.left) / box.width : (event.clientY - box.top) / box.height
    return Math.min(max, Math.max(min, position))
  }

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    event.preventDefault()
    event.currentTarget.setPointerCapture(event.pointerId)
  }
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    if (!event.currentTarget.hasPointerCapture(event.pointerId)) return
    const next = shareAt(event)
    if (next !== null) onShare(next)
  }
  const onKeyDown = (event: KeyboardEvent) => {
    const back = orientation === 'vertical' ? 'ArrowLeft' : 'ArrowUp'
    const forward = orientation === 'vertical' ? 'ArrowRight' : 'ArrowDown'
    const next =
      event.key === back
        ? share - STEP
        : event.key === forward
          ? share + STEP
          : event.key === 'Home'
            ? min
            : event.key === 'End'
              ? max
              : null
    if (next === null) return
    event.preventDefault()
    onShare(Math.min(max, Math.max(min, next)))
  }

  return (
    <div
      ref={handle}
      className={`splitter splitter-${orientation}${className ? ` ${className}` : ''}`}
      role="separator"
      tabIndex={0}
      aria-label={label}
      aria-orientation={orientation}
      aria-valuemin={Math.round(min * 100)}
      aria-valuemax={Math.round(max * 100)}
      aria-valuenow={Math.round(share * 100)}
      data-testid={testId}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onKeyDown={onKeyDown}
    />
  )
}
