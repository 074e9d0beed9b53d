/**
 * @module The handle between the grid and the watch pane: drag it (or focus it and press the arrow
 * keys) to give the pane more or less of the width. The width is a share of the split, so it
 * follows the window; the share stays between MIN_SHARE and MAX_SHARE, and never leaves the grid
 * less than MIN_GRID_PX (its narrow layout's columns). The CSS holds the same bounds
 * (instructor.css), for a window made smaller afterwards.
 */
import { useState, type RefObject } from 'react'

export const MIN_SHARE = 0.25
export const MAX_SHARE = 0.7
export const DEFAULT_SHARE = 0.4
/** 42.6rem: the grid's narrow layout (36.25rem of columns, their gaps and padding, a scroll bar) and this handle. */
export const MIN_GRID_PX = 682
const KEY_STEP = 0.05

/** The share kept within bounds, for a split `width` px wide. */
export function clampShare(share: number, width: number): number {
  const most = width > 0 ? Math.min(MAX_SHARE, (width - MIN_GRID_PX) / width) : MAX_SHARE
  return Math.round(Math.max(MIN_SHARE, Math.min(most, share)) * 1000) / 1000
}

type Props = {
  /** The element holding grid, handle and pane: the share is measured against it. */
  split: RefObject<HTMLElement | null>
  share: number
  onShare(share: number): void
}

export function WatchResize({ split, share, onShare }: Props) {
  const [dragging, setDragging] = useState(false)
  return (
    <div
      role="separator"
      tabIndex={0}
      aria-orientation="vertical"
      aria-label="Width of the watch pane, per cent (arrow keys change it)"
      aria-valuemin={MIN_SHARE * 100}
      aria-valuemax={MAX_SHARE * 100}
      aria-valuenow={Math.round(share * 100)}
      data-testid="watch-resize"
      className={`watch-resize${dragging ? ' dragging' : ''}`}
      onPointerDown={(event) => {
        event.preventDefault()
        event.currentTarget.setPointerCapture(event.pointerId)
        setDragging(true)
      }}
      onPointerMove={(event) => {
        const box = split.current?.getBoundingClientRect()
        if (!dragging || !box || box.width === 0) return
        onShare(clampShare((box.right - event.clientX) / box.width, box.width))
      }}
      onPointerUp={() => setDragging(false)}
      onPointerCancel={() => setDragging(false)}
      onKeyDown={(event) => {
        const change = event.key === 'ArrowLeft' ? KEY_STEP : event.key === 'ArrowRight' ? -KEY_STEP : 0
        if (change === 0) return
        event.preventDefault()
        onShare(clampShare(share + change, split.current?.getBoundingClientRect().width ?? 0))
      }}
    />
  )
}
