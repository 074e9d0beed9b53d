import { describe, expect, it } from 'vitest'
import { parseKeyspace, withCurrent } from './keyspaceInfo.ts'

describe('INFO keyspace', () => {
  it('reads every database line, in order, whatever fields follow (Valkey 9 adds some)', () => {
    const info = [
      '# Keyspace',
      'db3:keys=1000000,expires=0,avg_ttl=0,keys_with_volatile_items=0',
      'db0:keys=12,expires=3,avg_ttl=51000',
      'db10:keys=1,expires=1,avg_ttl=0',
      '',
    ].join('\r\n')
    expect(parseKeyspace(info)).toEqual([
      { db: 0, keys: 12, expires: 3 },
      { db: 3, keys: 1_000_000, expires: 0 },
      { db: 10, keys: 1, expires: 1 },
    ])
  })

  it('has no databases for an empty server, and always lists the one being shown', () => {
    expect(parseKeyspace('# Keyspace\r\n')).toEqual([])
    expect(withCurrent([], 4)).toEqual([{ db: 4, keys: 0, expires: 0 }])
    const two = [
      { db: 0, keys: 1, expires: 0 },
      { db: 9, keys: 2, expires: 0 },
    ]
    expect(withCurrent(two, 9)).toBe(two)
    expect(withCurrent(two, 5).map((entry) => entry.db)).toEqual([0, 5, 9])
  })
})
