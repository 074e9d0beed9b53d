import { describe, expect, it } from 'vitest'
import type { AttendeeRow } from '../../../../common/protocol/index.ts'
import {
  commonErrors,
  initialRoom,
  reduceRoom,
  roomCounts,
  roomMission,
  secondsOnStep,
  stepCounts,
  stuckText,
  visibleRows,
} from './roomStore.ts'

const row = (id: string, over: Partial<AttendeeRow> = {}): AttendeeRow => ({
  id,
  number: Number.parseInt(id, 16) % 100,
  name: null,
  connected: 1,
  joinedAt: 0,
  mission: 'm',
  step: 'b',
  done: { m: ['a'] },
  stepSince: 0,
  awayAt: null,
  finished: {},
  errors: 0,
  stepErrors: 0,
  lastError: null,
  help: null,
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
  it('keeps the announcement from welcome and from each change (a withdrawal too)', () => {
    const sent = { id: 5, text: 'Break', mission: null, step: null, at: 5 }
    let state = reduceRoom(initialRoom, { type: 'announcementChanged', announcement: sent }, 0)
    expect(state.announcement).toEqual(sent)
    const withdrawn = { ...sent, id: 6, text: '', withdrawn: true }
    state = reduceRoom(state, { type: 'announcementChanged', announcement: withdrawn }, 0)
    expect(state.announcement?.withdrawn).toBe(true)
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
  it('stops the clock of someone away, counts connected apart from seen, and puts help first', () => {
    expect(secondsOnStep(row('07', { stepSince: 1_000, awayAt: 4_000, connected: 0 }), 60_000)).toBe(3)
    expect(roomCounts([...rows, row('08', { help: 1 })])).toEqual({ connected: 3, seen: 4, help: 1 })
    expect(roomCounts([...rows, row('08', { help: 1, connected: 0 })])).toEqual({ connected: 2, seen: 4, help: 0 })
    const helped = [...rows, row('08', { name: 'Hal', help: 7_000 }), row('09', { name: 'Ida', help: 2_000 })]
    expect(visibleRows(helped, 'stuck', 'all', 0).map((each) => each.id)).toEqual(['09', '08', '02', '03', '01'])
  })
  it('says why a row is stuck, someone with no mission open too', () => {
    expect(stuckText(rows[1]!)).toBe('4 errors on this step')
    expect(stuckText(row('0a', { stuck: 'time' }))).toBe('long on this step')
    expect(stuckText(row('0b', { stuck: 'errors', mission: null, step: null, errors: 13 }))).toBe('13 errors, no mission open')
    expect(stuckText(rows[0]!)).toBeNull()
  })
  it('finds the most common last error among the attendees on each step', () => {
    const wrong = "ERR wrong number of arguments for 'hset' command"
    const list = [
      row('11', { step: 'a', lastError: wrong }),
      row('12', { step: 'a', lastError: wrong }),
      row('13', { step: 'a', lastError: 'ERR syntax error' }),
      row('14', { step: 'b', lastError: 'WRONGTYPE Operation' }),
      row('15', { step: 'b', lastError: null }),
      row('16', { step: 'a', lastError: 'ERR syntax error', mission: 'other' }),
    ]
    expect(commonErrors(list, 'm', [{ id: 'a' }, { id: 'b' }, { id: 'c' }])).toEqual([
      { text: wrong, count: 2 },
      { text: 'WRONGTYPE Operation', count: 1 },
      null,
    ])
  })
})
