import { describe, expect, it } from 'vitest'
import type { AttendeeRow } from '../../../../common/protocol/index.ts'
import { matchesSearch, searchWords } from './rowSearch.ts'

const row = (name: string | null, number = 7) => ({ name, number }) as unknown as AttendeeRow

describe('the name search', () => {
  it('keeps everyone for an empty or blank search', () => {
    expect(searchWords('   ')).toEqual([])
    expect(matchesSearch(row('Ada'), searchWords(''))).toBe(true)
  })

  it('ignores case and accents, and wants every word somewhere in the name', () => {
    expect(matchesSearch(row('Ádá Lovelace'), searchWords('ada'))).toBe(true)
    expect(matchesSearch(row('Ada Lovelace'), searchWords('love ADA'))).toBe(true)
    expect(matchesSearch(row('Ada Lovelace'), searchWords('ada bob'))).toBe(false)
  })

  it('finds an attendee without a name by the default one', () => {
    expect(matchesSearch(row(null, 12), searchWords('attendee 12'))).toBe(true)
    expect(matchesSearch(row(null, 12), searchWords('13'))).toBe(false)
  })
})
