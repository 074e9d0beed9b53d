import { describe, expect, it } from 'vitest'
import type { AttendeeRow } from '../../../../common/protocol/index.ts'
import { initialRoom, reduceRoom, roomMission, secondsOnStep, stepCounts, visibleRows } from './roomStore.ts'

const row = (id: string, over: Partial<AttendeeRow> = {}): AttendeeRow => ({
  id,
  number: Number.parseInt(id, 16) % 100,
  name: null,
  connected: 1,
  mission: 'm',
  step: 'b',
  done: { m: ['a'] },
  stepSince: 0,
  errors: 0,
  stepErrors: 0,
  stuck: null,
  ...over,
})

describe('reduceRoom', () => {
  it('takes the whole room, then applies changes and removals in order, keeping first-seen order', () => {
    let state = reduceRoom(initialRoom, { type: 'room', attendees: [row('01'), row('02')], now: 5_000 }, 4_000)
    expect(state.clockOffset).toBe(1_000)
    state = reduceRoom(state, { type: 'roomChanged', upsert: [row('02', { name: 'Bea' }), row('03')], removed: ['01'], now: 6_000 }, 6_500)
    expect([...state.rows.keys()]).toEqual(['02', '03'])
    expect(state.rows.get('02')!.name).toBe('Bea')
    expect(state.clockOffset).toBe(-500)
    state = reduceRoom(state, { type: 'stuckRulesChanged', rules: { afterSeconds: 60, errors: 2 } }, 0)
    expect(state.rules).toEqual({ afterSeconds: 60, errors: 2 })
  })
})

describe('views of the grid', () => {
  const rows = [
    row('01', { name: 'Zed', done: { m: ['a', 'b'] }, step: 'c', stepSince: 9_000 }),
    row('02', { name: 'Amy', stuck: 'errors', stepErrors: 4, stepSince: 5_000 }),
    row('03', { name: null, number: 3, connected: 0, done: {}, step: 'a', stepSince: 1_000 }),
  ]
  it('filters by stuck and by connected', () => {
    expect(visibleRows(rows, 'joined', 'stuck', 10_000).map((each) => each.id)).toEqual(['02'])
    expect(visibleRows(rows, 'joined', 'connected', 10_000).map((each) => each.id)).toEqual(['01', '02'])
  })
  it('sorts by name, by least progress, by longest on a step, and stuck first', () => {
    expect(visibleRows(rows, 'name', 'all', 0).map((each) => each.id)).toEqual(['02', '03', '01'])
    expect(visibleRows(rows, 'progress', 'all', 0).map((each) => each.id)).toEqual(['03', '02', '01'])
    expect(visibleRows(rows, 'time', 'all', 10_000).map((each) => each.id)).toEqual(['03', '02', '01'])
    expect(visibleRows(rows, 'stuck', 'all', 0).map((each) => each.id)).toEqual(['02', '03', '01'])
  })
  it('counts seconds on a step, the room mission and per-step done counts', () => {
    expect(secondsOnStep(rows[0]!, 10_999)).toBe(1)
    expect(secondsOnStep(row('09', { stepSince: null }), 10_000)).toBeNull()
    expect(roomMission([...rows, row('04', { mission: 'x' })], ['x', 'm'])).toBe('m')
    expect(roomMission([row('05', { mission: 'x' }), row('06', { mission: 'm' })], ['x', 'm'])).toBe('x')
    expect(roomMission([], [])).toBeNull()
    expect(stepCounts(rows, 'm', [{ id: 'a' }, { id: 'b' }, { id: 'c' }])).toEqual([2, 1, 0])
  })
})
