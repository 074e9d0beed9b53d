import { describe, expect, it } from 'vitest'
import {
  BURST_MS,
  NEIGHBOUR_MS,
  Neighbours,
  QUANTUM_MS,
  REST_FROM_MS,
  REST_MAX_MS,
  SHARE,
  ShareBudget,
  restAfterHeavy,
} from './ShareBudget.ts'

describe('ShareBudget', () => {
  it('lets a terminal keep the server busy for its burst without resting', () => {
    const budget = new ShareBudget(0)
    // Busy all the time: the bucket refills at SHARE while it drains at 1.
    const lasts = BURST_MS / (1 - SHARE)
    expect(budget.charge(lasts / 2, lasts / 2)).toBe(0)
    expect(budget.charge(lasts, lasts / 2)).toBe(0)
  })

  it('past the burst, asks for a rest that brings the terminal back to SHARE of the time', () => {
    const budget = new ShareBudget(0)
    const lasts = BURST_MS / (1 - SHARE)
    expect(budget.charge(lasts, lasts)).toBe(0)
    // 10 ms more, busy all along: 10 ms over, paid back at SHARE.
    const rest = budget.charge(lasts + 10, 10)
    expect(rest).toBeCloseTo((10 * (1 - SHARE)) / SHARE)
    // After resting exactly that long, it may go again, then owes again at once.
    expect(budget.charge(lasts + 10 + rest, 0)).toBeCloseTo(0)
    expect(budget.charge(lasts + 20 + rest, 10)).toBeGreaterThan(0)
  })

  it('refills while idle, never above the burst', () => {
    const budget = new ShareBudget(0)
    expect(budget.charge(1000, 1000)).toBeGreaterThan(0)
    // A long quiet spell: a full burst again, and no more than that.
    const lasts = BURST_MS / (1 - SHARE)
    expect(budget.charge(1_000_000, lasts)).toBe(0)
    expect(budget.charge(1_000_001, 1)).toBeGreaterThan(0)
  })

  it('over a long flood, the terminal is busy about SHARE of the time', () => {
    const budget = new ShareBudget(0)
    let now = 0
    let busy = 0
    // Bounded: 10,000 steps of 1 ms busy, each followed by the rest asked for.
    for (let step = 0; step < 10_000; step++) {
      now += 1
      busy += 1
      now += budget.charge(now, 1)
    }
    expect(busy / now).toBeGreaterThan(SHARE * 0.95)
    expect(busy / now).toBeLessThan(SHARE * 1.05)
  })
})

describe('restAfterHeavy', () => {
  it('does not rest after a quick heavy command', () => {
    expect(restAfterHeavy(0)).toBe(0)
    expect(restAfterHeavy(REST_FROM_MS - 0.1)).toBe(0)
  })

  it('rests as long again up to QUANTUM_MS, and with the square of the time beyond', () => {
    expect(restAfterHeavy(REST_FROM_MS)).toBe(REST_FROM_MS)
    expect(restAfterHeavy(QUANTUM_MS)).toBe(QUANTUM_MS)
    expect(restAfterHeavy(10 * QUANTUM_MS)).toBe(100 * QUANTUM_MS)
  })

  it('rests at most REST_MAX_MS', () => {
    expect(restAfterHeavy(60_000)).toBe(REST_MAX_MS)
  })
})

describe('Neighbours', () => {
  it('sees another terminal that sent something lately, never the asking one itself', () => {
    const neighbours = new Neighbours()
    const [a, b, c] = [{}, {}, {}]
    expect(neighbours.othersActive(a, 0)).toBe(false)
    neighbours.sent(a, 0)
    neighbours.sent(a, 10)
    expect(neighbours.othersActive(a, 10)).toBe(false)
    neighbours.sent(b, 20)
    expect(neighbours.othersActive(a, 20)).toBe(true)
    expect(neighbours.othersActive(b, 20)).toBe(true)
    expect(neighbours.othersActive(c, 20)).toBe(true)
    // b keeps sending: a still knows b, and b still knows a until a has been quiet too long.
    neighbours.sent(b, 30)
    expect(neighbours.othersActive(b, 10 + NEIGHBOUR_MS)).toBe(true)
    expect(neighbours.othersActive(b, 11 + NEIGHBOUR_MS)).toBe(false)
    expect(neighbours.othersActive(a, 30 + NEIGHBOUR_MS)).toBe(true)
    expect(neighbours.othersActive(a, 31 + NEIGHBOUR_MS)).toBe(false)
  })
})
