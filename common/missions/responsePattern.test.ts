import { describe, expect, it } from 'vitest'
import {
  capturedNames,
  describeWildcard,
  displaySegments,
  explainWildcard,
  fillCaptures,
  responseCaptures,
  responseMatches,
  responseSegments,
  unknownPlaceholders,
  usedNames,
} from './responsePattern.ts'

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
    expect(describeWildcard({ kind: 'int', min: 1, max: 3600 })).toBe('any of 1…3600')
    expect(describeWildcard({ kind: 'int', min: -Infinity, max: Infinity })).toBe('any integer')
    expect(describeWildcard({ kind: 'any' })).toBe('varies')
  })

  it('knows UUIDs, 64-bit tokens and RFC 3339 times', () => {
    const uuid = { text: 'Session created: {{uuid}}\n', unordered: false }
    expect(responseMatches(uuid, 'Session created: 8f0f964d-1e9b-4f25-9567-0b9b5d32a7c1\n')).toBe(true)
    expect(responseMatches(uuid, 'Session created: 8F0F964D-1E9B-4F25-9567-0B9B5D32A7C1\n')).toBe(false)
    expect(responseMatches(uuid, 'Session created: user123\n')).toBe(false)
    const token = { text: '"{{u64}}"\n', unordered: false }
    expect(responseMatches(token, '"18446744073709551615"\n')).toBe(true)
    expect(responseMatches(token, '"18446744073709551616"\n')).toBe(false)
    expect(responseMatches(token, '"-1"\n')).toBe(false)
    const time = { text: 'Created: {{timestamp}}\n', unordered: false }
    for (const stamp of ['2025-04-07T14:40:00Z', '2025-04-07T14:40:00.123456+00:00', '2025-04-07T14:40:00.123456789Z']) {
      expect(responseMatches(time, `Created: ${stamp}\n`), stamp).toBe(true)
    }
    expect(responseMatches(time, 'Created: yesterday\n')).toBe(false)
    expect(describeWildcard({ kind: 'uuid' })).toBe('a UUID')
  })

  it('captures declared values, and fills them into later command lines', () => {
    const created = { text: 'Session created: {{capture id uuid}}\n', unordered: false }
    expect(responseCaptures(created, 'Session created: 8f0f964d-1e9b-4f25-9567-0b9b5d32a7c1\n')).toEqual({
      id: '8f0f964d-1e9b-4f25-9567-0b9b5d32a7c1',
    })
    expect(responseCaptures(created, 'Session exists: 8f0f964d-1e9b-4f25-9567-0b9b5d32a7c1\n')).toBeNull()
    expect(responseCaptures({ text: '"{{capture token}}"\n', unordered: false }, '"abc"\n')).toEqual({ token: 'abc' })
    // A word stops at spaces and quotes.
    expect(responseCaptures({ text: '"{{capture token}}"\n', unordered: false }, '"a b"\n')).toBeNull()
    // The same name twice must be one value.
    const twice = { text: '{{capture x}} {{capture x}}\n', unordered: false }
    expect(responseCaptures(twice, 'a a\n')).toEqual({ x: 'a' })
    expect(responseCaptures(twice, 'a b\n')).toBeNull()
    // Inside unordered responses too.
    expect(responseCaptures({ text: '1) "{{capture a}}"\n2) "fixed"\n', unordered: true }, '1) "fixed"\n2) "v1"\n')).toEqual({ a: 'v1' })
    expect(capturedNames('ID: {{capture id uuid}}, Key: {{capture key}}')).toEqual(['id', 'key'])
    expect(usedNames('SESSION.ADD_DATA {{id}} username "{{ name }}"')).toEqual(['id', 'name'])
    expect(fillCaptures('SESSION.GET {{id}} {{other}}', { id: 'abc' })).toBe('SESSION.GET abc {{other}}')
    expect(responseMatches(created, 'Session created: 8f0f964d-1e9b-4f25-9567-0b9b5d32a7c1\n')).toBe(true)
  })
})

describe('templates for display', () => {
  it('splits wildcards, values not known yet and stray braces into chips', () => {
    expect(displaySegments('Session exists: {{id}}\n', {})).toEqual([{ text: 'Session exists: ' }, { use: 'id' }, { text: '\n' }])
    expect(displaySegments('Session exists: {{id}}\n', { id: 'abc' })).toEqual([{ text: 'Session exists: abc\n' }])
    expect(displaySegments('(integer) {{int 1..3600}}', {})).toEqual([
      { text: '(integer) ' },
      { wildcard: { kind: 'int', min: 1, max: 3600 }, source: '{{int 1..3600}}' },
    ])
    expect(displaySegments('x {{int 5}} {{Weird}}')).toEqual([
      { text: 'x ' },
      { unknown: '{{int 5}}' },
      { text: ' ' },
      { unknown: '{{Weird}}' },
    ])
    expect(unknownPlaceholders('a {{id}} {{int 1..2}} {{int 5}}', true)).toEqual(['{{int 5}}'])
    expect(unknownPlaceholders('a {{id}} {{int 1..2}}', false)).toEqual(['{{int 1..2}}'])
  })

  it('says a range is a range', () => {
    expect(describeWildcard({ kind: 'int', min: 1, max: 3600 })).toBe('any of 1…3600')
    expect(describeWildcard({ kind: 'int', min: 1, max: Infinity })).toBe('any ≥ 1')
    expect(explainWildcard({ kind: 'int', min: 1, max: 3600 })).toBe('a number from 1 to 3,600; it varies from run to run')
    expect(explainWildcard({ kind: 'uuid' })).toMatch(/^a UUID/)
  })
})
