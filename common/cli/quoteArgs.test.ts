import { describe, expect, it } from 'vitest'
import { utf8Bytes } from './bytes.ts'
import { quoteArg, quoteArgs } from './quoteArgs.ts'
import { splitArgs } from './splitArgs.ts'

describe('quoteArgs', () => {
  const cases = [
    'plain',
    '',
    'two words',
    'say "hi"',
    "it's",
    'back\\slash',
    'line\nbreak',
    '\x00\x01\xff',
    utf8Bytes('héllo ✓'),
    '\t\x07\x08\x7f',
    '*',
  ]

  it('gives lines that valkey-cli splits back into the same bytes, under both quoting rules', () => {
    for (const rules of ['mixed', 'strict'] as const) {
      expect(splitArgs(utf8Bytes(quoteArgs(cases)), rules)).toEqual(cases)
    }
  })

  it('keeps plain words bare and UTF-8 readable', () => {
    expect(quoteArgs(['HSET', 'session:han_solo', 'username', 'hsolo'])).toBe('HSET session:han_solo username hsolo')
    expect(quoteArg(utf8Bytes('héllo'))).toBe('"héllo"')
    expect(quoteArg('\xc3')).toBe('"\\xc3"')
  })
})
