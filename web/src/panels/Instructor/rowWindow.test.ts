import { describe, expect, it } from 'vitest'
import { rowAt, rowOffsets, windowFor } from './rowWindow.ts'

const sizes = { overscan: 4, block: 4 }
const even = (count: number, height = 18) => rowOffsets(Array.from({ length: count }, () => height))

describe('the grid row window', () => {
  it('adds heights up into offsets, and finds the row at a position', () => {
    const offsets = rowOffsets([18, 36, 18])
    expect(offsets).toEqual([0, 18, 54, 72])
    expect(rowAt(offsets, 0)).toBe(0)
    expect(rowAt(offsets, 17.9)).toBe(0)
    expect(rowAt(offsets, 18)).toBe(1)
    expect(rowAt(offsets, 53)).toBe(1)
    expect(rowAt(offsets, 54)).toBe(2)
    // Past the end: the last row; no rows: 0.
    expect(rowAt(offsets, 10_000)).toBe(2)
    expect(rowAt(rowOffsets([]), 50)).toBe(0)
  })

  it('renders the rows in view and at least the overscan around them, in whole blocks', () => {
    const offsets = even(500)
    // The view shows rows 100 to 110 (the 111th starts at its bottom edge).
    expect(windowFor(offsets, 100 * 18, 10 * 18, sizes)).toEqual({ start: 96, end: 116 })
    expect(windowFor(offsets, 103 * 18, 10 * 18, sizes)).toEqual({ start: 96, end: 120 })
    // At the top and at the bottom, clamped to the list.
    expect(windowFor(offsets, 0, 10 * 18, sizes)).toEqual({ start: 0, end: 16 })
    expect(windowFor(offsets, 490 * 18, 10 * 18, sizes)).toEqual({ start: 484, end: 500 })
  })

  it('keeps the same window while the view moves within a block, so a scroll of a pixel renders nothing new', () => {
    const offsets = even(500)
    const at = (top: number) => windowFor(offsets, top, 10 * 18, sizes)
    expect(at(100 * 18 + 5)).toEqual(at(100 * 18))
    expect(at(101 * 18)).toEqual(at(100 * 18))
    expect(at(104 * 18)).not.toEqual(at(100 * 18))
  })

  it('follows a list that shrank under it (a search), and holds nothing for an empty list', () => {
    expect(windowFor(even(3), 2000, 900, sizes)).toEqual({ start: 0, end: 3 })
    expect(windowFor(even(3), 0, 900, sizes)).toEqual({ start: 0, end: 3 })
    expect(windowFor(rowOffsets([]), 0, 900, sizes)).toEqual({ start: 0, end: 0 })
  })

  it('places rows of two lines by their own height', () => {
    // Rows 0 to 9 are two lines (36 px): row 10 starts at 360.
    const offsets = rowOffsets(Array.from({ length: 100 }, (_, index) => (index < 10 ? 36 : 18)))
    expect(rowAt(offsets, 360)).toBe(10)
    expect(windowFor(offsets, 360, 180, sizes)).toEqual({ start: 4, end: 28 })
  })
})
