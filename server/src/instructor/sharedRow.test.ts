import { describe, expect, it } from 'vitest'
import { markAway, markBack, mergeRow, newSharedRow, parseSharedRow, recordError, setHelp } from './sharedRow.ts'

describe('the shared row', () => {
  it('stops the step clock while away and moves it on by the time away', () => {
    const row = { ...newSharedRow('a', 1, null, 1_000), stepSince: 2_000 }
    markAway(row, 5_000)
    markAway(row, 9_000) // the first leave counts
    expect(row).toMatchObject({ awayAt: 5_000, progressAt: 5_000 })
    markBack(row, 65_000)
    expect(row).toMatchObject({ awayAt: null, stepSince: 62_000, progressAt: 65_000 })
    markBack(row, 70_000)
    expect(row.stepSince).toBe(62_000)
  })

  it('merges to the same label and join time on every process, whatever the order', () => {
    const a = newSharedRow('a', 1, null, 2_000, 7)
    const b = newSharedRow('a', 1, null, 1_000, 4)
    expect(mergeRow({ ...a }, b)).toMatchObject({ label: 4, joinedAt: 1_000 })
    expect(mergeRow({ ...b }, a)).toMatchObject({ label: 4, joinedAt: 1_000 })
    expect(mergeRow(newSharedRow('a', 1, null, 0, 0), a)).toMatchObject({ label: 7, joinedAt: 2_000 })
  })

  it('keeps the newer help flag, raised or lowered', () => {
    const raised = newSharedRow('a', 1, null, 0)
    setHelp(raised, true, 10)
    setHelp(raised, true, 20) // still the first time it went up
    expect(raised).toMatchObject({ help: 10, helpAt: 20 })
    const lowered = newSharedRow('a', 1, null, 0)
    setHelp(lowered, false, 30)
    expect(mergeRow({ ...raised }, lowered).help).toBeNull()
    expect(mergeRow({ ...lowered }, raised).help).toBeNull()
  })

  it('keeps the first line of the last error, cut, and counts it', () => {
    const row = newSharedRow('a', 1, null, 0)
    recordError(row, 5, '  ERR syntax error\nsecond line')
    recordError(row, 6, '')
    expect(row).toMatchObject({ lastError: 'ERR syntax error', stepErrors: 2, errorTimes: [5, 6] })
  })

  it('reads a row an older version stored, with neutral values for what it lacked', () => {
    const old = { id: 'a', number: 3, name: null, mission: null, step: null, done: {}, stepSince: null, stepErrors: 0, errorTimes: {} }
    expect(parseSharedRow(old)).toMatchObject({ label: 0, joinedAt: 0, awayAt: null, finished: {}, lastError: null, help: null, helpAt: 0 })
    expect(parseSharedRow({ ...old, label: -2, help: 'yes', finished: { m: 'soon', n: 4 }, lastError: 'x'.repeat(500) })).toMatchObject({
      label: 0,
      help: null,
      finished: { n: 4 },
    })
    expect(parseSharedRow({ ...old, lastError: 'x'.repeat(500) })!.lastError).toHaveLength(120)
  })
})
