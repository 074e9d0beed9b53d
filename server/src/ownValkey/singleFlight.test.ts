import { describe, expect, it } from 'vitest'
import { singleFlight } from './singleFlight.ts'

describe('singleFlight', () => {
  it('runs once, then once more for any number of asks made meanwhile', async () => {
    let runs = 0
    let finish: () => void = () => undefined
    const read = singleFlight(
      () =>
        new Promise<void>((resolve) => {
          runs++
          finish = resolve
        })
    )
    const first = read()
    for (let i = 0; i < 1000; i++) void read()
    expect(runs).toBe(1)
    finish()
    await Promise.resolve()
    await new Promise((resolve) => setImmediate(resolve))
    expect(runs).toBe(2)
    finish()
    await first
    expect(runs).toBe(2)
    // Idle again: the next ask runs at once.
    void read()
    expect(runs).toBe(3)
    finish()
  })

  it('keeps going after a read that fails', async () => {
    let runs = 0
    const read = singleFlight(async () => {
      runs++
      throw new Error('lost')
    })
    await read()
    await read()
    expect(runs).toBe(2)
  })
})
