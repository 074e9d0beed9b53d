import { describe, expect, it } from 'vitest'
import { applyFieldQuery, defaultQuery } from './fieldQuery.ts'
import type { FieldRow } from './inspectorStore.ts'
import { fieldCountText, keepLoading, LOAD_ALL_BYTES, LOAD_ALL_FIELDS, loadAllLabel, loadingText, sortScope } from './loadedFields.ts'

const rows = (names: string[]): FieldRow[] => names.map((field) => ({ field, value: 'v', expiresAt: null, changedAt: 0 }))

describe('loadedFields', () => {
  const partial = { loaded: 1001, total: 50_000, partial: true, filtered: false }

  it('says what a sort of a partly loaded hash covers, and nothing once all is loaded', () => {
    expect(sortScope(partial)).toBe('sorted: the 1,001 loaded of 50,000')
    expect(sortScope({ ...partial, loaded: 50_000, partial: false })).toBeNull()
    expect(sortScope({ ...partial, filtered: true })).toBe('sorted: the 1,001 matching fields loaded so far, not the whole hash')
  })

  it('counts against the hash, not with a "+"', () => {
    expect(fieldCountText(partial, 1001)).toBe('1,001 of 50,000 loaded')
    expect(fieldCountText(partial, 7)).toBe('7 of the 1,001 loaded (the hash has 50,000)')
    expect(fieldCountText({ loaded: 5, total: 5, partial: false, filtered: false }, 1)).toBe('1 of 5 shown')
    expect(fieldCountText({ loaded: 5, total: 5, partial: false, filtered: false }, 5)).toBe('5 shown')
    expect(fieldCountText({ loaded: 3, total: 50_000, partial: false, filtered: true }, 3)).toBe('3 matching')
    expect(fieldCountText({ ...partial, filtered: true }, 1001)).toBe('1,001 matching loaded so far (the hash has 50,000)')
  })

  it('offers all the fields up to the bound, and shows progress against what it will load', () => {
    expect(loadAllLabel(partial)).toBe('Load all 50,000 fields')
    expect(loadAllLabel({ ...partial, total: 250_000 })).toBe(`Load all (up to ${LOAD_ALL_FIELDS.toLocaleString('en-US')})`)
    expect(loadingText({ ...partial, loaded: 12_000 })).toBe('loading… 12,000 of 50,000')
    expect(loadingText({ ...partial, total: 250_000 })).toBe('loading… 1,001 of 100,000')
  })

  it('keeps loading while pages remain, until the field or byte bound', () => {
    expect(keepLoading(true, rows(['a', 'b']))).toBe(true)
    expect(keepLoading(false, rows(['a', 'b']))).toBe(false)
    const many = rows(Array.from({ length: LOAD_ALL_FIELDS }, (_, i) => `f${i}`))
    expect(keepLoading(true, many)).toBe(false)
    expect(keepLoading(true, [{ field: 'big', value: 'x'.repeat(LOAD_ALL_BYTES) }])).toBe(false)
  })

  it('sorts by name across everything loaded: user:1 comes first once it is loaded', () => {
    // The first HSCAN page of a large hash holds fields from anywhere in it (user:10004, ...).
    const firstPage = rows(['user:10004', 'user:2817', 'user:49999'])
    const sorted = applyFieldQuery(firstPage, { ...defaultQuery, sort: 'name' })
    expect(sorted[0]!.field).toBe('user:10004')
    const all = applyFieldQuery([...firstPage, ...rows(['user:1', 'user:20000'])], { ...defaultQuery, sort: 'name' })
    expect(all.map((row) => row.field)).toEqual(['user:1', 'user:10004', 'user:20000', 'user:2817', 'user:49999'])
  })
})
