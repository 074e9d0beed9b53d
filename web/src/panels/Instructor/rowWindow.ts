/**
 * @module Which of the grid's rows are rendered: the rows in the scroll box's view and some above
 * and below it (the window). A room of 500 whose rows change every second then costs the browser
 * about a hundred rows' layout and paint instead of 500. Pure: offsets from row heights, the rows a
 * view shows, and when to move the window.
 *
 * Heights are the rows' own (measured when rendered, estimated before), so a row of two lines (a
 * stuck reason in the narrow layout, a reset question) keeps every row below it in the right place.
 * The window moves by whole blocks of rows, so scrolling renders again every few rows, not at every
 * pixel.
 */

/** Rows [start, end) of the current order. */
export type RowWindow = { readonly start: number; readonly end: number }

export type WindowSizes = {
  /** Rows rendered beyond the view on each side, at least. */
  overscan: number
  /** The window's ends are multiples of this (even, for the stripes), so it moves only every so many rows. */
  block: number
}

export const WINDOW_SIZES: WindowSizes = { overscan: 12, block: 12 }

/** offsets[i]: the top of row i from the top of the first; offsets[n]: the height of them all. */
export function rowOffsets(heights: readonly number[]): number[] {
  const offsets = new Array<number>(heights.length + 1)
  offsets[0] = 0
  for (let i = 0; i < heights.length; i++) offsets[i + 1] = offsets[i]! + heights[i]!
  return offsets
}

/** The row at `y` (from the top of the first row), clamped to the rows there are; 0 when there are none. */
export function rowAt(offsets: readonly number[], y: number): number {
  const count = offsets.length - 1
  if (count <= 0) return 0
  let low = 0
  let high = count - 1
  // The last row whose top is at or above y.
  while (low < high) {
    const middle = (low + high + 1) >> 1
    if (offsets[middle]! <= y) low = middle
    else high = middle - 1
  }
  return low
}

/**
 * The window for a view of `height` px whose top is `top` px below the first row's top: the rows in
 * view with at least `overscan` more on each side, widened to whole blocks. Between two block edges
 * the window is the same, so scrolling a few pixels renders nothing new; an even start keeps each
 * row's stripe (`:nth-child`) as the window moves.
 */
export function windowFor(offsets: readonly number[], top: number, height: number, sizes: WindowSizes = WINDOW_SIZES): RowWindow {
  const count = offsets.length - 1
  if (count <= 0) return { start: 0, end: 0 }
  const first = rowAt(offsets, Math.max(0, top))
  const last = rowAt(offsets, Math.max(0, top + height))
  const start = Math.floor(Math.max(0, first - sizes.overscan) / sizes.block) * sizes.block
  const end = Math.min(count, Math.ceil((last + 1 + sizes.overscan) / sizes.block) * sizes.block)
  return { start, end }
}
