import { describe, expect, it } from 'vitest'
import { currentStep, followTarget, OWN_SCROLL_QUIET_MS, scrolledRecently } from './followLearner.ts'

const ids = ['one', 'two', 'three']
const set = (...items: string[]) => new Set(items)

describe('following the learner', () => {
  it('is on the first step not done, or none when all are done', () => {
    expect(currentStep(ids, set())).toBe('one')
    expect(currentStep(ids, set('one', 'three'))).toBe('two')
    expect(currentStep(ids, set('one', 'two', 'three'))).toBeNull()
  })

  it('moves on only when a step turns done, never on the first report', () => {
    expect(followTarget(ids, null, set('one'))).toBeNull()
    expect(followTarget(ids, set(), set())).toBeNull()
    expect(followTarget(ids, set('one'), set('one'))).toBeNull()
    expect(followTarget(ids, set(), set('one'))).toBe('two')
    expect(followTarget(ids, set('one'), set('one', 'three'))).toBe('two')
    expect(followTarget(ids, set('one', 'two'), set('one', 'two', 'three'))).toBe('complete')
  })

  it('stays where the learner scrolled for a few seconds', () => {
    expect(scrolledRecently(10_000, -Infinity)).toBe(false)
    expect(scrolledRecently(10_000, 10_000 - OWN_SCROLL_QUIET_MS + 1)).toBe(true)
    expect(scrolledRecently(10_000, 10_000 - OWN_SCROLL_QUIET_MS)).toBe(false)
  })
})
