import { describe, expect, it } from 'vitest'
import type { Reply } from '../../../common/protocol/index.ts'
import { parseClientList, parseInfo, parseMemoryStats, parseSlowlog } from './serverViewParse.ts'

const bulk = (s: string): Reply => ({ t: 'bulk', s })
const int = (n: number): Reply => ({ t: 'int', n: String(n) })
const arr = (...a: Reply[]): Reply => ({ t: 'arr', a })

describe('server view readers', () => {
  it('reads SLOWLOG GET entries, with and without the client fields', () => {
    const reply = arr(
      arr(int(7), int(1_700_000_000), int(12_345), arr(bulk('HGETALL'), bulk('big')), bulk('127.0.0.1:5000'), bulk('app')),
      arr(int(6), int(1_699_999_999), int(10))
    )
    expect(parseSlowlog(reply)).toEqual([
      { id: 7, at: 1_700_000_000, micros: 12_345, args: ['HGETALL', 'big'], client: '127.0.0.1:5000', name: 'app' },
      { id: 6, at: 1_699_999_999, micros: 10, args: [], client: '', name: '' },
    ])
    expect(parseSlowlog({ t: 'err', s: 'NOPERM' })).toEqual([])
  })

  it('reads CLIENT LIST lines into fields, the first few, counting all', () => {
    const text = 'id=3 addr=127.0.0.1:1 name= age=5 cmd=client|list\nid=4 addr=127.0.0.1:2 name=app age=1 cmd=get\n'
    expect(parseClientList(text, 1)).toEqual({ list: [{ id: '3', addr: '127.0.0.1:1', name: '', age: '5', cmd: 'client|list' }], total: 2 })
  })

  it('reads the INFO fields asked for, and MEMORY STATS numbers', () => {
    expect(parseInfo('# Memory\r\nused_memory:1024\r\nused_memory_human:1.00K\r\nother:x\r\n')).toEqual({
      used_memory: '1024',
      used_memory_human: '1.00K',
    })
    const stats = arr(bulk('peak.allocated'), int(900), bulk('db.0'), arr(), bulk('fragmentation'), bulk('1.5'), bulk('odd'))
    expect(parseMemoryStats(stats)).toEqual({ 'peak.allocated': 900, fragmentation: 1.5 })
  })
})
