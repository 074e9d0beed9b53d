/**
 * @module Pages of the collection types the inspector shows besides hashes and strings, each read
 * in the order people expect and in bounded pieces, so a list of ten million elements costs one
 * page at a time:
 *  - lists by index (LRANGE), the cursor being the next index;
 *  - sets with SSCAN (no order exists), the cursor being SSCAN's;
 *  - sorted sets by rank with their scores (ZRANGE ... WITHSCORES), the cursor the next rank;
 *  - streams oldest first (XRANGE), the cursor the last id read, the next page starting after it.
 * A cursor of "0" going in means "from the start", coming out "nothing more".
 */
import type { CollectionItem, Reply } from '../../../common/protocol/index.ts'
import { asList, asText } from './replyValues.ts'

type Send = (args: string[]) => Promise<Reply>

/** SSCAN batches one page looks at, at most (a set whose members fail to come back cannot spin). */
const SET_SCANS_PER_PAGE = 20

export async function collectionPage(
  send: Send,
  type: string,
  key: string,
  cursor: string,
  want: number
): Promise<{ items: CollectionItem[]; cursor: string }> {
  switch (type) {
    case 'list':
      return byIndex(send, ['LRANGE', key], cursor, want, (reply, index) => ({ kind: 'list', index, value: asText(reply) ?? '' }))
    case 'zset':
      return zsetPage(send, key, cursor, want)
    case 'set':
      return setPage(send, key, cursor, want)
    case 'stream':
      return streamPage(send, key, cursor, want)
    default:
      return { items: [], cursor: '0' }
  }
}

async function byIndex(
  send: Send,
  command: string[],
  cursor: string,
  want: number,
  item: (reply: Reply, index: number) => CollectionItem
): Promise<{ items: CollectionItem[]; cursor: string }> {
  const start = Number(cursor)
  const replies = asList(await send([...command, String(start), String(start + want - 1)]))
  const items = replies.map((reply, i) => item(reply, start + i))
  return { items, cursor: items.length < want ? '0' : String(start + items.length) }
}

async function zsetPage(send: Send, key: string, cursor: string, want: number): Promise<{ items: CollectionItem[]; cursor: string }> {
  const start = Number(cursor)
  const flat = asList(await send(['ZRANGE', key, String(start), String(start + want - 1), 'WITHSCORES']))
  const items: CollectionItem[] = []
  for (let i = 0; i + 1 < flat.length; i += 2) items.push({ kind: 'zset', value: asText(flat[i]) ?? '', score: asText(flat[i + 1]) ?? '' })
  return { items, cursor: items.length < want ? '0' : String(start + items.length) }
}

async function setPage(send: Send, key: string, cursor: string, want: number): Promise<{ items: CollectionItem[]; cursor: string }> {
  const items: CollectionItem[] = []
  let next = cursor
  let scans = 0
  do {
    const reply = asList(await send(['SSCAN', key, next, 'COUNT', String(want)]))
    next = asText(reply[0]) ?? '0'
    for (const member of asList(reply[1])) items.push({ kind: 'set', value: asText(member) ?? '' })
  } while (next !== '0' && items.length < want && ++scans < SET_SCANS_PER_PAGE)
  return { items, cursor: next }
}

async function streamPage(send: Send, key: string, cursor: string, want: number): Promise<{ items: CollectionItem[]; cursor: string }> {
  // "(" makes the range start after the last id read (exclusive ranges exist since Redis 6.2).
  const from = cursor === '0' ? '-' : `(${cursor}`
  const entries = asList(await send(['XRANGE', key, from, '+', 'COUNT', String(want)]))
  const items: CollectionItem[] = entries.map((entry) => {
    const [id, fields] = asList(entry)
    return { kind: 'stream', id: asText(id) ?? '', fields: asList(fields).map((field) => asText(field) ?? '') }
  })
  const last = items.at(-1)
  return { items, cursor: items.length < want || !last || last.kind !== 'stream' ? '0' : last.id }
}
