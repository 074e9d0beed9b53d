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

  it('admits nothing while resting, then what waits, in order', async () => {
    const window = new FairWindow()
    const sent: number[] = []
    window.admit(false, () => sent.push(1))
    window.rest(5)
    window.done(false)
    window.admit(false, () => sent.push(2))
    window.admit(true, () => sent.push(3))
    expect(sent).toEqual([1])
    await expect.poll(() => sent).toEqual([1, 2])
    window.done(false)
    expect(sent).toEqual([1, 2, 3])
  })

  it('drains what waits when the connection is gone, resting or not', () => {
    const window = new FairWindow()
    const sent: number[] = []
    window.rest(60_000)
    window.admit(false, () => sent.push(0))
    window.drain()
    expect(sent).toEqual([0])
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
