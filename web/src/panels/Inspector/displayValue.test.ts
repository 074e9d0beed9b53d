import { describe, expect, it } from 'vitest'
import { utf8Bytes } from '../../../../common/cli/bytes.ts'
import { prettyJson, showValue } from './displayValue.ts'

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
