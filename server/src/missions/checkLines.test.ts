import { describe, expect, it } from 'vitest'
import { parseCheck } from './checkLanguage.ts'
import { checkLines, holdsOnNothing, type StepResults } from './checkLines.ts'

const step = (id: string, sources: string[], holds: boolean[], done = false, acted = false): StepResults => ({
  id,
  checks: sources.map((source) => parseCheck(source)),
  results: holds.map((ok, index) => ({ holds: ok, why: ok ? null : `why ${index}` })),
  done,
  acted,
})

const states = (lines: ReturnType<typeof checkLines>) =>
  Object.fromEntries(Object.entries(lines).map(([id, list]) => [id, list.map((line) => line.state)]))

describe('check lines', () => {
  it('knows which checks hold on an empty sandbox', () => {
    expect(holdsOnNothing(parseCheck('exists k = 0'))).toBe(true)
    expect(holdsOnNothing(parseCheck('hexists k f = 0'))).toBe(true)
    expect(holdsOnNothing(parseCheck('hget k f = nil'))).toBe(true)
    expect(holdsOnNothing(parseCheck('keys s:* = 0'))).toBe(true)
    expect(holdsOnNothing(parseCheck('exists k = 1'))).toBe(false)
    expect(holdsOnNothing(parseCheck('ttl k between 1 3600'))).toBe(false)
    expect(holdsOnNothing(parseCheck('ran DEL k'))).toBe(false)
  })

  it('ticks nothing in a step not reached, however true it reads (a fresh sandbox)', () => {
    const lines = checkLines([
      step('record', ['exists s = 1', 'ran HSET ...'], [false, false]),
      step('delete', ['exists s = 0', 'hexists m alice = 0', 'ran EXEC'], [true, true, false]),
    ])
    expect(states(lines)).toEqual({ record: ['failing', 'failing'], delete: ['waiting', 'waiting', 'waiting'] })
    expect(lines.record![0]!.why).toBe('why 0')
    expect(lines.delete![0]!.why).toBeNull()
  })

  it('reaches the step after the done ones, and a step the learner acted in', () => {
    const lines = checkLines([
      step('one', ['exists a = 1'], [true], true),
      step('two', ['hget a f = "1"', 'ran HGET a f'], [true, false]),
      step('three', ['hget a g = "2"', 'ran HGET a g'], [false, true], false, true),
      step('four', ['hget a h = "3"'], [true]),
    ])
    expect(states(lines)).toEqual({ one: ['ok'], two: ['ok', 'failing'], three: ['failing', 'ok'], four: ['waiting'] })
  })

  it('shows an absence check only with evidence: Pizza 17 is not ticked before Set up, nor goes back after it', () => {
    const pizza = (holds: boolean[]) =>
      states(checkLines([step('pizza', ['hexists d pizza:17 = 0', 'hexists d pizza:18 = 1', 'ran HDEL d pizza:17'], holds)])).pizza
    expect(pizza([true, false, false])).toEqual(['waiting', 'failing', 'failing']) // fresh sandbox
    expect(pizza([false, true, false])).toEqual(['failing', 'ok', 'failing']) // after Set up
    expect(pizza([true, true, true])).toEqual(['ok', 'ok', 'ok']) // delivered
    // A step of absence checks only has no other evidence to wait for.
    expect(states(checkLines([step('gone', ['exists a = 0'], [true])])).gone).toEqual(['ok'])
  })

  it('ticks every check of a done step', () => {
    expect(states(checkLines([step('one', ['exists a = 1', 'ran X'], [false, false], true)]))).toEqual({ one: ['ok', 'ok'] })
  })

  it('passes over a step this server cannot run: never ticked, and the step after it is reached', () => {
    const lines = checkLines([
      step('one', ['exists a = 1'], [true], true),
      { ...step('needs', ['ran HGETDEL a FIELDS 1 f'], [false]), skipped: true },
      step('after', ['hget a g = "2"'], [false]),
    ])
    expect(states(lines)).toEqual({ one: ['ok'], needs: ['waiting'], after: ['failing'] })
  })
})
