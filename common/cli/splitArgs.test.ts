import { describe, expect, it } from 'vitest'
import { quoteRulesFor, splitArgs } from './splitArgs.ts'

describe('splitArgs (both generations of valkey-cli)', () => {
  it.each(['mixed', 'strict'] as const)('%s: splits words, quotes and escapes', (rules) => {
    expect(splitArgs('  HSET  h f "v 1"  ', rules)).toEqual(['HSET', 'h', 'f', 'v 1'])
    expect(splitArgs('SET k "a\\x41\\n\\"q\\"\\\\z"', rules)).toEqual(['SET', 'k', 'aA\n"q"\\z'])
    expect(splitArgs('SET k "\\x4 \\xZZ \\q \\t\\r\\b\\a"', rules)).toEqual(['SET', 'k', 'x4 xZZ q \t\r\b\x07'])
    expect(splitArgs("GET 'it\\'s \\n'", rules)).toEqual(['GET', "it's \\n"])
    expect(splitArgs('SET ab"c d" v', rules)).toEqual(['SET', 'abc d', 'v'])
    expect(splitArgs('ECHO "" \'\'', rules)).toEqual(['ECHO', '', ''])
    expect(splitArgs('GET "\\x00\\xff"', rules)).toEqual(['GET', '\x00\xff'])
    expect(splitArgs('', rules)).toEqual([])
    expect(splitArgs(' \t ', rules)).toEqual([])
  })

  it.each(['mixed', 'strict'] as const)('%s: refuses unterminated quotes', (rules) => {
    expect(splitArgs('GET "foo', rules)).toBeNull()
    expect(splitArgs("GET 'foo", rules)).toBeNull()
    expect(splitArgs('GET "foo\\', rules)).toBeNull()
  })

  it('9.x: quoted and unquoted text mix like in a shell', () => {
    expect(splitArgs('GET "foo"bar', 'mixed')).toEqual(['GET', 'foobar'])
    expect(splitArgs("SET pre'fix suf'fix v", 'mixed')).toEqual(['SET', 'prefix suffix', 'v'])
    expect(splitArgs('ECHO ""x', 'mixed')).toEqual(['ECHO', 'x'])
  })

  it('8.x: a closing quote must be followed by a space', () => {
    expect(splitArgs('GET "foo"bar', 'strict')).toBeNull()
    expect(splitArgs("SET pre'fix suf'fix v", 'strict')).toBeNull()
    expect(splitArgs('GET "foo"\tbar', 'strict')).toEqual(['GET', 'foo', 'bar'])
  })

  it('picks the rules from the server version', () => {
    expect(quoteRulesFor('9.1.2')).toBe('mixed')
    expect(quoteRulesFor('8.0.1')).toBe('strict')
    expect(quoteRulesFor('10.0.0')).toBe('mixed')
  })
})
