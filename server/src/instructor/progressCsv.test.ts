import { describe, expect, it } from 'vitest'
import type { AttendeeRow } from '../../../common/protocol/index.ts'
import { csvField, progressCsv } from './progressCsv.ts'

const row = (over: Partial<AttendeeRow>): AttendeeRow => ({
  id: '0123456789abcdef',
  number: 3,
  name: null,
  connected: 1,
  joinedAt: Date.UTC(2026, 11, 6, 9, 30, 0),
  mission: 'cantina',
  step: 'menu',
  done: { cantina: ['welcome'] },
  stepSince: 10_000,
  awayAt: null,
  finished: {},
  errors: 2,
  stepErrors: 1,
  lastError: null,
  help: null,
  stuck: null,
  ...over,
})

describe('csvField', () => {
  it('quotes commas, quotes and line breaks', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
  })
  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`)
    expect(csvField('+1')).toBe("'+1")
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvField(-3)).toBe('-3')
  })
  it('leaves empty cells for nulls', () => {
    expect(csvField(null)).toBe('')
  })
})

describe('progressCsv', () => {
  it('writes a header and one CRLF line per attendee with join time, steps done and finish time per mission', () => {
    const text = progressCsv(
      [
        row({}),
        row({
          id: 'fedcba9876543210',
          number: 4,
          name: 'Ada, L.',
          connected: 0,
          joinedAt: 0,
          mission: null,
          step: null,
          stepSince: null,
          done: { other: ['one'] },
          finished: { other: Date.UTC(2026, 11, 6, 10, 45, 0, 123) },
          help: 20_000,
        }),
      ],
      [
        { id: 'cantina', steps: ['welcome', 'menu', 'order'] },
        { id: 'other', steps: ['one'] },
      ],
      25_400
    )
    expect(text.split('\r\n')).toEqual([
      'attendee,name,connected,joined,mission,step,seconds on step,errors (5 min),stuck,needs help,cantina done (of 3),cantina finished,other done (of 1),other finished',
      '0123456789abcdef,Attendee 3,true,2026-12-06T09:30:00.000Z,cantina,menu,15,2,,false,1,,0,',
      'fedcba9876543210,"Ada, L.",false,,,,,2,,true,0,,1,2026-12-06T10:45:00.123Z',
      '',
    ])
  })
  it('counts the seconds on a step up to when the attendee left', () => {
    const text = progressCsv([row({ connected: 0, stepSince: 10_000, awayAt: 14_000 })], [], 100_000)
    expect(text.split('\r\n')[1]).toContain(',cantina,menu,4,')
  })
})
