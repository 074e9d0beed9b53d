import { describe, expect, it } from 'vitest'
import { touchedFields } from './touchedFields.ts'

describe('touchedFields', () => {
  it('names the fields of hash writes', () => {
    expect(touchedFields(['HSET', 'k', 'a', '1', 'b', '2'])).toEqual({ key: 'k', fields: ['a', 'b'] })
    expect(touchedFields(['hdel', 'k', 'a', 'b'])).toEqual({ key: 'k', fields: ['a', 'b'] })
    expect(touchedFields(['HINCRBY', 'k', 'n', '1'])).toEqual({ key: 'k', fields: ['n'] })
  })

  it('reads the FIELDS block of field-expiration commands', () => {
    expect(touchedFields(['HEXPIRE', 'k', '10', 'NX', 'FIELDS', '2', 'a', 'b'])).toEqual({ key: 'k', fields: ['a', 'b'] })
    expect(touchedFields(['HSETEX', 'k', 'EX', '10', 'FIELDS', '2', 'a', '1', 'b', '2'])).toEqual({ key: 'k', fields: ['a', 'b'] })
    expect(touchedFields(['HGETEX', 'k', 'PERSIST', 'FIELDS', '1', 'a'])).toEqual({ key: 'k', fields: ['a'] })
  })

  it('knows nothing of other commands or broken FIELDS blocks', () => {
    expect(touchedFields(['SET', 'k', 'v'])).toBeNull()
    expect(touchedFields(['EVAL', 'return 1', '0'])).toBeNull()
    expect(touchedFields(['HPERSIST', 'k', 'FIELDS', 'x', 'a'])).toBeNull()
    expect(touchedFields(['HSET'])).toBeNull()
  })
})
