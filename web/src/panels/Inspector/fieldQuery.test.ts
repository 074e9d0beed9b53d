import { describe, expect, it } from 'vitest'
import { applyFieldQuery, defaultQuery, fieldPattern, nextSort } from './fieldQuery.ts'
import type { FieldRow } from './inspectorStore.ts'

const row = (field: string, value: string, expiresAt: number | null = null): FieldRow => ({ field, value, expiresAt, changedAt: 0 })
const rows = [row('b', '10'), row('a', 'Tatooine', 5_000), row('c', '9', 1_000), row('d', 'hoth\x00')]
const names = (list: FieldRow[]) => list.map((r) => r.field)

describe('field queries', () => {
  it('turns plain text into a contains pattern and keeps globs as they are', () => {
    expect(fieldPattern('')).toBe('*')
    expect(fieldPattern('  user ')).toBe('*user*')
    expect(fieldPattern('user:*')).toBe('user:*')
    expect(fieldPattern('f?')).toBe('f?')
    expect(fieldPattern('[ab]x')).toBe('[ab]x')
  })

  it('keeps the server order until a column is chosen', () => {
    expect(applyFieldQuery(rows, defaultQuery)).toBe(rows)
  })

  it('sorts by name, by value (numbers as numbers, before text) and by TTL (soonest first, none last)', () => {
    expect(names(applyFieldQuery(rows, { ...defaultQuery, sort: 'name' }))).toEqual(['a', 'b', 'c', 'd'])
    expect(names(applyFieldQuery(rows, { ...defaultQuery, sort: 'name', descending: true }))).toEqual(['d', 'c', 'b', 'a'])
    expect(names(applyFieldQuery(rows, { ...defaultQuery, sort: 'value' }))).toEqual(['c', 'b', 'a', 'd'])
    expect(names(applyFieldQuery(rows, { ...defaultQuery, sort: 'ttl' }))).toEqual(['c', 'a', 'b', 'd'])
  })

  it('finds values by text, case-insensitively and through escapes, and keeps only fields with a TTL', () => {
    expect(names(applyFieldQuery(rows, { ...defaultQuery, valueSearch: 'TATOO' }))).toEqual(['a'])
    expect(names(applyFieldQuery(rows, { ...defaultQuery, valueSearch: 'h\\x00' }))).toEqual(['d'])
    expect(names(applyFieldQuery(rows, { ...defaultQuery, ttlOnly: true }))).toEqual(['a', 'c'])
  })

  it('cycles a header through ascending, descending and the server order', () => {
    const once = nextSort(defaultQuery, 'ttl')
    expect(once).toMatchObject({ sort: 'ttl', descending: false })
    const twice = nextSort(once, 'ttl')
    expect(twice).toMatchObject({ sort: 'ttl', descending: true })
    expect(nextSort(twice, 'ttl')).toMatchObject({ sort: null })
    expect(nextSort(twice, 'name')).toMatchObject({ sort: 'name', descending: false })
  })
})
