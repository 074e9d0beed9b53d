import { describe, expect, it } from 'vitest'
import { placementOrder } from './placement.ts'

describe('placementOrder', () => {
  it('tries the least-filled server first, the lowest index among equals', () => {
    expect(placementOrder([0, 0, 0], [10, 10, 10])).toEqual([0, 1, 2])
    expect(placementOrder([1, 0, 0], [10, 10, 10])).toEqual([1, 2, 0])
    expect(placementOrder([1, 1, 0], [10, 10, 10])).toEqual([2, 0, 1])
    expect(placementOrder([3, 2, 2], [10, 10, 10])).toEqual([1, 2, 0])
  })

  it('compares shares, so a bigger server takes more', () => {
    // 2 of 4 is half full; 3 of 12 is a quarter.
    expect(placementOrder([2, 3], [4, 12])).toEqual([1, 0])
    // A server without databases comes last.
    expect(placementOrder([0, 0], [0, 5])).toEqual([1, 0])
  })

  it('spreads a run of placements evenly', () => {
    const held = [0, 0, 0]
    for (let i = 0; i < 9; i++) held[placementOrder(held, [5, 5, 5])[0]!]!++
    expect(held).toEqual([3, 3, 3])
  })
})
