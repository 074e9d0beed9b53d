import { describe, expect, it } from 'vitest'
import { FairWindow, LIGHT_WINDOW } from './FairWindow.ts'

describe('FairWindow', () => {
  it('lets up to LIGHT_WINDOW ordinary commands go at once, then one per answer, in order', () => {
    const window = new FairWindow()
    const sent: number[] = []
    for (let i = 0; i < LIGHT_WINDOW + 3; i++) window.admit(false, () => sent.push(i))
    expect(sent).toHaveLength(LIGHT_WINDOW)
    window.done(false)
    expect(sent.at(-1)).toBe(LIGHT_WINDOW)
    window.done(false)
    window.done(false)
    expect(sent).toEqual(Array.from({ length: LIGHT_WINDOW + 3 }, (_, i) => i))
  })

  it('sends a heavy command alone: after everything before it is answered, and nothing beside it', () => {
    const window = new FairWindow()
    const sent: string[] = []
    window.admit(false, () => sent.push('get'))
    window.admit(true, () => sent.push('keys'))
    window.admit(false, () => sent.push('ping'))
    expect(sent).toEqual(['get'])
    window.done(false)
    expect(sent).toEqual(['get', 'keys'])
    expect(window.inFlight).toBe(1)
    window.done(true)
    expect(sent).toEqual(['get', 'keys', 'ping'])
  })

  it('drains what waits when the connection is gone', () => {
    const window = new FairWindow()
    const sent: number[] = []
    window.admit(true, () => sent.push(1))
    window.admit(true, () => sent.push(2))
    window.drain()
    expect(sent).toEqual([1, 2])
  })
})
