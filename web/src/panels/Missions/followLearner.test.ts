import { describe, expect, it } from 'vitest'
import { currentStep, followTarget, OWN_SCROLL_QUIET_MS, scrolledRecently, waitsForLastBlock } from './followLearner.ts'

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

  it('waits while the learner presses Run through the step that just turned done, until its last block', () => {
    // Done after the first of two blocks, pressed by Run: wait.
    expect(waitsForLastBlock(set(), set('one'), { step: 'one', last: false })).toBe(true)
    // Their last press was the step's last block (or came before the step turned done): move on.
    expect(waitsForLastBlock(set(), set('one'), { step: 'one', last: true })).toBe(false)
    // The step they pressed Run in is not the one that turned done, or no Run was pressed (typed): move on.
    expect(waitsForLastBlock(set(), set('one'), { step: 'two', last: false })).toBe(false)
    expect(waitsForLastBlock(set(), set('one'), null)).toBe(false)
    // It was done already (a report that changed something else), or this is the first report: nothing to wait for.
    expect(waitsForLastBlock(set('one'), set('one', 'two'), { step: 'one', last: false })).toBe(false)
    expect(waitsForLastBlock(null, set('one'), { step: 'one', last: false })).toBe(false)
  })
})
