import { afterEach, describe, expect, it, vi } from 'vitest'
import { registerStepClock } from './stepClock.ts'

afterEach(() => {
  vi.useRealTimers()
})

describe('the step clock', () => {
  it('writes a cell at once and every second, and stops writing it once unregistered', () => {
    vi.useFakeTimers({ now: 10_000 })
    const cell = { textContent: '' } as HTMLElement
    const stop = registerStepClock(cell, (now) => `${(now - 10_000) / 1000}s`)
    expect(cell.textContent).toBe('0s')
    vi.advanceTimersByTime(2000)
    expect(cell.textContent).toBe('2s')
    stop()
    vi.advanceTimersByTime(2000)
    expect(cell.textContent).toBe('2s')
    expect(vi.getTimerCount()).toBe(0)
  })
})
