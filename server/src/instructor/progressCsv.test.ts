import { describe, expect, it } from 'vitest'
import type { AttendeeRow } from '../../../common/protocol/index.ts'
import { csvField, progressCsv } from './progressCsv.ts'

const row = (over: Partial<AttendeeRow>): AttendeeRow => ({
  id: '0123456789abcdef',
  number: 3,
  name: null,
  connected: 1,
  mission: 'cantina',
  step: 'menu',
  done: { cantina: ['welcome'] },
  stepSince: 10_000,
  errors: 2,
  stepErrors: 1,
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
  it('writes a header and one CRLF line per attendee with steps done per mission', () => {
    const text = progressCsv(
      [
        row({}),
        row({ id: 'fedcba9876543210', number: 4, name: 'Ada, L.', connected: 0, mission: null, step: null, stepSince: null, done: {} }),
      ],
      [
        { id: 'cantina', steps: ['welcome', 'menu', 'order'] },
        { id: 'other', steps: ['one'] },
      ],
      25_400
    )
    expect(text.split('\r\n')).toEqual([
      'attendee,name,connected,mission,step,seconds on step,errors (5 min),stuck,cantina done (of 3),other done (of 1)',
      '0123456789abcdef,Attendee 3,true,cantina,menu,15,2,,1,0',
      'fedcba9876543210,"Ada, L.",false,,,,2,,0,0',
      '',
    ])
  })
})
