import { describe, expect, it } from 'vitest'
import { utf8Bytes } from '../../../../common/cli/bytes.ts'
import { epochDate, prettyJson, showValue, streamIdDate } from './displayValue.ts'

describe('showValue', () => {
  it('shows UTF-8 text readably and escapes what cannot be printed', () => {
    expect(showValue(utf8Bytes('héllo'))).toEqual({ text: 'héllo', kind: 'text', bytes: 6 })
    expect(showValue('a\nb\x00').text).toBe('a\\nb\\x00')
  })

  it('shows invalid UTF-8 as valkey-cli escapes it', () => {
    expect(showValue('\xff\xfeok')).toEqual({ text: '\\xff\\xfeok', kind: 'binary', bytes: 4 })
  })

  it('recognises numbers and JSON', () => {
    expect(showValue('1250').kind).toBe('number')
    expect(showValue('-3.5e2').kind).toBe('number')
    expect(showValue('{"a":[1,2]}').kind).toBe('json')
    expect(showValue('{not json').kind).toBe('text')
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}')
  })
})

describe('dates and Java values', () => {
  it('shows a plausible Unix time in seconds or milliseconds as its date, and nothing for other numbers', () => {
    expect(epochDate('1700000000000')).toBe('2023-11-14 22:13:20.000 UTC')
    expect(epochDate('1700000000')).toBe('2023-11-14 22:13:20 UTC')
    expect(showValue('1700000000000')).toMatchObject({ kind: 'number', date: '2023-11-14 22:13:20.000 UTC' })
    for (const other of ['42', '1800', '9999999999999', '0946684799', '12345678901', '1700000000.5', '-1700000000']) {
      expect([other, epochDate(other)]).toEqual([other, null])
    }
    expect(showValue('42').date).toBeUndefined()
    expect(streamIdDate('1700000000000-3')).toBe('2023-11-14 22:13:20.000 UTC')
    expect(streamIdDate('1-0')).toBeNull()
  })

  it('decodes Java-serialized values (a string, a boxed Long with its date) and leaves other binaries escaped', () => {
    expect(showValue('\xac\xed\x00\x05t\x00\x05linus')).toEqual({ text: '"linus"', kind: 'java', bytes: 12 })
    const long =
      '\xac\xed\x00\x05sr\x00\x0ejava.lang.Long;\x8b\xe4\x90\xcc\x8f#\xdf\x02\x00\x01J\x00\x05valuexr\x00\x10java.lang.Number\x86\xac\x95\x1d\x0b\x94\xe0\x8b\x02\x00\x00xp\x00\x00\x01\x8b\xcf\xe5h\x00'
    expect(showValue(long)).toMatchObject({ text: '1700000000000', kind: 'java', date: '2023-11-14 22:13:20.000 UTC' })
    // Starts like Java serialization but is cut short: shown as the bytes it is.
    expect(showValue('\xac\xed\x00\x05t\x00\x09lin')).toMatchObject({ kind: 'binary', text: '\\xac\\xed\\x00\\x05t\\x00\\tlin' })
  })
})
