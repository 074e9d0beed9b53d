import { describe, expect, it } from 'vitest'
import { upper } from './commandNames.ts'

describe('upper', () => {
  it('uppercases ASCII names', () => {
    expect(upper('hset')).toBe('HSET')
    expect(upper('Client')).toBe('CLIENT')
  })

  it('leaves bytes above 0x7f as they are (arguments are byte strings)', () => {
    expect(upper('caf\xe9')).toBe('CAF\xe9')
    expect(upper('\xff-x')).toBe('\xff-X')
  })
})
