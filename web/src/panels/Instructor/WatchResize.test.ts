import { describe, expect, it } from 'vitest'
import { clampShare, MAX_SHARE, MIN_GRID_PX, MIN_SHARE } from './WatchResize.tsx'

describe("the watch pane's share of the width", () => {
  it('stays between its bounds on a wide screen', () => {
    expect(clampShare(0.1, 2560)).toBe(MIN_SHARE)
    expect(clampShare(0.95, 2560)).toBe(MAX_SHARE)
    expect(clampShare(0.5, 2560)).toBe(0.5)
  })

  it('never leaves the grid less than its narrow layout needs', () => {
    const share = clampShare(0.7, 1400)
    expect(1400 * (1 - share)).toBeGreaterThanOrEqual(MIN_GRID_PX - 1)
  })
})
