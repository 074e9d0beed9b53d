import { describe, expect, it } from 'vitest'
import type { Reply } from '../../../common/protocol/index.ts'
import { collectionPage } from './collectionPages.ts'

const bulk = (s: string): Reply => ({ t: 'bulk', s })
const arr = (...a: Reply[]): Reply => ({ t: 'arr', a })

/** A fake server that records what it was asked and answers from a function. */
function server(answer: (args: string[]) => Reply) {
  const asked: string[][] = []
  return { asked, send: (args: string[]) => (asked.push(args), Promise.resolve(answer(args))) }
}

describe('pages of lists, sets, sorted sets and streams', () => {
  it('reads a list by index, and is done when a page comes back short', async () => {
    const list = Array.from({ length: 5 }, (_, i) => `e${i}`)
    const { asked, send } = server((args) => arr(...list.slice(Number(args[2]), Number(args[3]) + 1).map(bulk)))
    const first = await collectionPage(send, 'list', 'l', '0', 3)
    expect(first).toEqual({ items: [0, 1, 2].map((index) => ({ kind: 'list', index, value: `e${index}` })), cursor: '3' })
    const rest = await collectionPage(send, 'list', 'l', first.cursor, 3)
    expect(rest).toEqual({ items: [3, 4].map((index) => ({ kind: 'list', index, value: `e${index}` })), cursor: '0' })
    expect(asked).toEqual([
      ['LRANGE', 'l', '0', '2'],
      ['LRANGE', 'l', '3', '5'],
    ])
  })

  it('reads a sorted set by rank with its scores as the server printed them', async () => {
    const { asked, send } = server(() => arr(bulk('a'), bulk('1'), bulk('b'), bulk('2.5')))
    expect(await collectionPage(send, 'zset', 'z', '0', 10)).toEqual({
      items: [
        { kind: 'zset', value: 'a', score: '1' },
        { kind: 'zset', value: 'b', score: '2.5' },
      ],
      cursor: '0',
    })
    expect(asked).toEqual([['ZRANGE', 'z', '0', '9', 'WITHSCORES']])
  })

  it('reads a set with SSCAN until it has a page, and keeps the cursor', async () => {
    const batches: Record<string, Reply> = { '0': arr(bulk('7'), arr(bulk('x'))), '7': arr(bulk('12'), arr(bulk('y'), bulk('z'))) }
    const { asked, send } = server((args) => batches[args[2]!]!)
    expect(await collectionPage(send, 'set', 's', '0', 3)).toEqual({
      items: ['x', 'y', 'z'].map((value) => ({ kind: 'set', value })),
      cursor: '12',
    })
    expect(asked.map((args) => args[2])).toEqual(['0', '7'])
  })

  it('reads a stream oldest first, the next page starting after the last id read', async () => {
    const entry = (id: string) => arr(bulk(id), arr(bulk('f'), bulk(`v${id}`)))
    const { asked, send } = server((args) => (args[2] === '-' ? arr(entry('1-0'), entry('2-0')) : arr(entry('3-0'))))
    const first = await collectionPage(send, 'stream', 'x', '0', 2)
    expect(first).toEqual({
      items: [
        { kind: 'stream', id: '1-0', fields: ['f', 'v1-0'] },
        { kind: 'stream', id: '2-0', fields: ['f', 'v2-0'] },
      ],
      cursor: '2-0',
    })
    expect((await collectionPage(send, 'stream', 'x', first.cursor, 2)).cursor).toBe('0')
    expect(asked).toEqual([
      ['XRANGE', 'x', '-', '+', 'COUNT', '2'],
      ['XRANGE', 'x', '(2-0', '+', 'COUNT', '2'],
    ])
  })

  it('has nothing to show of another type', async () => {
    const { asked, send } = server(() => ({ t: 'nil' }))
    expect(await collectionPage(send, 'ReJSON-RL', 'j', '0', 10)).toEqual({ items: [], cursor: '0' })
    expect(asked).toEqual([])
  })
})
