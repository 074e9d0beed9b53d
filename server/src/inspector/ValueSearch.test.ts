import { describe, expect, it } from 'vitest'
import { valueContains } from './ValueSearch.ts'

describe('search by value', () => {
  it('matches the value as the page shows it, whatever the case', () => {
    expect(valueContains('a rare NEEDLE', 'needle')).toBe(true)
    expect(valueContains('plain', 'needle')).toBe(false)
    expect(valueContains('anything', '')).toBe(true)
    // UTF-8 reads as its text; a newline as valkey-cli escapes it.
    expect(valueContains(Buffer.from('Ça va', 'utf8').toString('latin1'), 'ça')).toBe(true)
    expect(valueContains('line one\nline two', 'one\\nline')).toBe(true)
    // Bytes that are not UTF-8 in valkey-cli's escaped form.
    expect(valueContains('\xff\x00', '\\xff\\x00')).toBe(true)
  })
})
