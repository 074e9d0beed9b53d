import { describe, expect, it } from 'vitest'
import type { AttendeeRow, InstructorServerMessage } from '../../../../common/protocol/index.ts'
import { rowsChanged, splitRoomChange } from './roomChunks.ts'

const row = (id: string) => ({ id }) as AttendeeRow
const change = (count: number, removed: string[] = []): InstructorServerMessage => ({
  type: 'roomChanged',
  upsert: Array.from({ length: count }, (_, index) => row(`a${index}`)),
  removed,
  now: 5,
})

describe('a big room change in parts', () => {
  it('keeps a small change and any other message whole', () => {
    const small = change(3)
    expect(splitRoomChange(small, 3)).toEqual([small])
    const welcome = { type: 'stuckRulesChanged' } as InstructorServerMessage
    expect(splitRoomChange(welcome, 3)).toEqual([welcome])
  })

  it('cuts a big one into parts of every n-th row, each row once, removals with the first part', () => {
    const parts = splitRoomChange(change(7, ['gone']), 3)
    const ids = parts.map((part) => (part.type === 'roomChanged' ? part.upsert.map((each) => each.id) : []))
    expect(ids).toEqual([
      ['a0', 'a3', 'a6'],
      ['a1', 'a4'],
      ['a2', 'a5'],
    ])
    expect(parts.map((part) => (part.type === 'roomChanged' ? [part.removed, part.now] : null))).toEqual([
      [['gone'], 5],
      [[], 5],
      [[], 5],
    ])
  })

  it('counts the rows a message changes', () => {
    expect(rowsChanged(change(4, ['x']), 60)).toBe(5)
    expect(rowsChanged({ type: 'room', attendees: [], now: 0 } as InstructorServerMessage, 60)).toBe(60)
    expect(rowsChanged({ type: 'stuckRulesChanged' } as InstructorServerMessage, 60)).toBe(0)
  })
})
