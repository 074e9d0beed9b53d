import { describe, expect, it } from 'vitest'
import { History, isSensitive } from './History.ts'

describe('History', () => {
  it('keeps 100 entries, skips consecutive duplicates and browses with up/down', () => {
    const history = new History()
    for (let i = 0; i < 105; i++) history.add(`SET k ${i}`)
    history.add('SET k 104')
    expect(history.lines).toHaveLength(100)
    expect(history.lines[0]).toBe('SET k 5')
    expect(history.previous('draft')).toBe('SET k 104')
    expect(history.previous('ignored')).toBe('SET k 103')
    expect(history.next()).toBe('SET k 104')
    expect(history.next()).toBe('draft')
    expect(history.next()).toBeNull()
  })

  it('saves to storage without sensitive lines, which stay usable in memory', () => {
    let saved: string[] = []
    const history = new History({ load: () => ['GET a'], save: (lines) => (saved = lines) })
    history.add('AUTH default secret')
    history.add('HSET h f v')
    expect(saved).toEqual(['GET a', 'HSET h f v'])
    expect(history.previous('')).toBe('HSET h f v')
    expect(history.previous('')).toBe('AUTH default secret')
  })

  it('recognises the sensitive commands valkey-cli keeps out of its file', () => {
    expect(isSensitive('auth pw')).toBe(true)
    expect(isSensitive('ACL SETUSER u on >pw')).toBe(true)
    expect(isSensitive('CONFIG SET requirepass x')).toBe(true)
    expect(isSensitive('HELLO 3 AUTH u p')).toBe(true)
    expect(isSensitive('CONFIG SET maxmemory 1')).toBe(false)
    expect(isSensitive('HSET auth f v')).toBe(false)
  })
})
