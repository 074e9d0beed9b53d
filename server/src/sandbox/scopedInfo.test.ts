import { describe, expect, it } from 'vitest'
import { scopeInfo } from './scopedInfo.ts'

const INFO = [
  '# Server',
  'valkey_version:9.1.2',
  '',
  '# Commandstats',
  'cmdstat_hset:calls=3,usec=9',
  '',
  '# Errorstats',
  'errorstat_ERR:count=1',
  '',
  '# Keyspace',
  'db0:keys=2,expires=0,avg_ttl=0',
  'db3:keys=1,expires=1,avg_ttl=9',
  'db12:keys=4,expires=0,avg_ttl=0',
  '',
  '# Keysizes',
  'db3_distrib_strings_sizes:2=1',
  'db12_distrib_strings_sizes:4=4',
  '',
].join('\r\n')

describe('scopeInfo', () => {
  it('keeps shared sections and only this sandbox per-database lines', () => {
    const scoped = scopeInfo(INFO, 3)
    expect(scoped).toContain('# Server\r\nvalkey_version:9.1.2')
    expect(scoped).toContain('# Keyspace\r\ndb3:keys=1,expires=1,avg_ttl=9\r\n')
    expect(scoped).toContain('db3_distrib_strings_sizes:2=1')
    expect(scoped).not.toMatch(/db0:|db12|cmdstat|errorstat|Commandstats|Errorstats/)
  })
})
