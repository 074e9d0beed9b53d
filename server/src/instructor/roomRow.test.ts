import { describe, expect, it } from 'vitest'
import { ERROR_WINDOW_MS } from '../../../common/protocol/index.ts'
import { currentStep, recentErrors, stuckReason } from './roomRow.ts'

describe('currentStep', () => {
  it('is the first step not done, in mission order, whatever order they were done in', () => {
    expect(currentStep(['a', 'b', 'c'], undefined)).toBe('a')
    expect(currentStep(['a', 'b', 'c'], ['a'])).toBe('b')
    expect(currentStep(['a', 'b', 'c'], ['c', 'a'])).toBe('b')
  })
  it('is null once every step is done, and ignores steps the mission no longer has', () => {
    expect(currentStep(['a', 'b'], ['b', 'a', 'gone'])).toBeNull()
    expect(currentStep([], [])).toBeNull()
  })
})

describe('stuckReason', () => {
  const rules = { afterSeconds: 60, errors: 3 }
  const row = { connected: 1, mission: 'm', step: 'b', stepSince: 1_000, stepErrors: 0, errors: 0 }
  it('flags time on one step from the threshold on', () => {
    expect(stuckReason(row, rules, 1_000 + 59_999)).toBeNull()
    expect(stuckReason(row, rules, 1_000 + 60_000)).toBe('time')
  })
  it('flags repeated errors before the time is up, errors taking precedence', () => {
    expect(stuckReason({ ...row, stepErrors: 2 }, rules, 2_000)).toBeNull()
    expect(stuckReason({ ...row, stepErrors: 3 }, rules, 2_000)).toBe('errors')
    expect(stuckReason({ ...row, stepErrors: 3 }, rules, 1_000_000)).toBe('errors')
  })
  it('never flags someone gone or finished', () => {
    expect(stuckReason({ ...row, connected: 0, stepErrors: 9, errors: 9 }, rules, 10_000_000)).toBeNull()
    expect(stuckReason({ ...row, step: null, stepErrors: 9, errors: 9 }, rules, 10_000_000)).toBeNull()
    expect(stuckReason({ ...row, stepSince: null }, rules, 10_000_000)).toBeNull()
  })
  it('flags someone still choosing a mission on errors in the window, never on time alone', () => {
    const choosing = { ...row, mission: null, step: null, stepSince: null }
    expect(stuckReason({ ...choosing, stepErrors: 13, errors: 2 }, rules, 10_000_000)).toBeNull()
    expect(stuckReason({ ...choosing, stepErrors: 13, errors: 3 }, rules, 10_000_000)).toBe('errors')
    expect(stuckReason({ ...choosing, errors: 13, connected: 0 }, rules, 10_000_000)).toBeNull()
  })
})

describe('recentErrors', () => {
  it('forgets errors older than the window and counts the rest', () => {
    const times = [0, 10, ERROR_WINDOW_MS, ERROR_WINDOW_MS + 5]
    expect(recentErrors(times, ERROR_WINDOW_MS + 5)).toBe(3)
    expect(times).toEqual([10, ERROR_WINDOW_MS, ERROR_WINDOW_MS + 5])
    expect(recentErrors(times, 10 * ERROR_WINDOW_MS)).toBe(0)
  })
})
