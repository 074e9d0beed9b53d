import { describe, expect, it } from 'vitest'
import { describeWildcard, responseMatches, responseSegments } from './responsePattern.ts'

describe('expected responses', () => {
  it('matches exact text, and only exact text', () => {
    expect(responseMatches({ text: '(integer) 6\n', unordered: false }, '(integer) 6\n')).toBe(true)
    expect(responseMatches({ text: '(integer) 6\n', unordered: false }, '(integer) 6')).toBe(false)
    expect(responseMatches({ text: '"a.b"\n', unordered: false }, '"aXb"\n')).toBe(false)
  })

  it('accepts an integer in a declared range', () => {
    const spec = { text: '(integer) {{int 1..3600}}\n', unordered: false }
    expect(responseMatches(spec, '(integer) 3600\n')).toBe(true)
    expect(responseMatches(spec, '(integer) 1\n')).toBe(true)
    expect(responseMatches(spec, '(integer) 0\n')).toBe(false)
    expect(responseMatches(spec, '(integer) -2\n')).toBe(false)
    expect(responseMatches(spec, '(integer) 36000\n')).toBe(false)
    expect(responseMatches({ text: '1) (integer) {{int}}\n', unordered: false }, '1) (integer) -1\n')).toBe(true)
    expect(responseMatches({ text: '"{{any}}"\n', unordered: false }, '"whatever"\n')).toBe(true)
    expect(responseMatches({ text: '{{any}}\n', unordered: false }, 'two\nlines\n')).toBe(false)
  })

  it('compares unordered responses as a set of items, numbering ignored', () => {
    const spec = { text: '1) "0"\n2) 1) "a"\n   2) "b"\n', unordered: true }
    expect(responseMatches(spec, '1) "0"\n2) 1) "b"\n   2) "a"\n')).toBe(true)
    expect(responseMatches(spec, '1) "0"\n2) 1) "b"\n   2) "c"\n')).toBe(false)
    expect(responseMatches(spec, '1) "0"\n2) 1) "b"\n')).toBe(false)
  })

  it('splits wildcards out for display', () => {
    expect(responseSegments('(integer) {{int 1..3600}}\n')).toEqual([
      { text: '(integer) ' },
      { wildcard: { kind: 'int', min: 1, max: 3600 }, source: '{{int 1..3600}}' },
      { text: '\n' },
    ])
    expect(describeWildcard({ kind: 'int', min: 1, max: 3600 })).toBe('1…3600')
    expect(describeWildcard({ kind: 'int', min: -Infinity, max: Infinity })).toBe('any integer')
    expect(describeWildcard({ kind: 'any' })).toBe('varies')
  })
})
