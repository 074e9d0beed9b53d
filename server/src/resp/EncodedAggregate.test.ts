import { describe, expect, it } from 'vitest'
import type { Reply } from '../../../common/protocol/index.ts'
import { REPLY_LIMITS, RespDecoder } from './decoder.ts'
import { EncodedAggregate } from './EncodedAggregate.ts'

function decode(wire: string, encodeFrom?: number, chunkSize = 4096): Reply[] {
  const replies: Reply[] = []
  const decoder = new RespDecoder((reply) => replies.push(reply), { ...REPLY_LIMITS, encodeFrom })
  const bytes = Buffer.from(wire, 'latin1')
  for (let at = 0; at < bytes.length; at += chunkSize) decoder.push(bytes.subarray(at, at + chunkSize))
  return replies
}

const bulkWire = (s: string) => `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`

describe('large replies kept as JSON text', () => {
  // Every element kind, binary bytes and characters JSON must escape, a nested aggregate and a nil.
  const elements = Array.from({ length: 3000 }, (_, i) =>
    i % 7 === 0
      ? `*2\r\n${bulkWire('k\x00"\\\xff' + i)}:${i}\r\n`
      : i % 11 === 0
        ? '$-1\r\n'
        : i % 5 === 0
          ? `+s${i}\r\n`
          : bulkWire(`key:${i}`)
  )
  const wire = `*${elements.length}\r\n${elements.join('')}+OK\r\n*2\r\n:1\r\n:2\r\n`

  it('gives the same JSON and the same elements as the object tree, small replies untouched', () => {
    const plain = decode(wire)
    const encoded = decode(wire, 1024, 977)
    expect(encoded).toHaveLength(3)
    const big = encoded[0]
    expect(big).toBeInstanceOf(EncodedAggregate)
    expect([...(big as unknown as EncodedAggregate).pieces()].join('')).toBe(JSON.stringify(plain[0]))
    expect(JSON.stringify(big)).toBe(JSON.stringify(plain[0]))
    expect(big!.t === 'arr' && big.a).toEqual(plain[0]!.t === 'arr' && plain[0].a)
    // Below the threshold, and after the large one, replies are ordinary objects.
    expect(encoded.slice(1)).toEqual(plain.slice(1))
    expect(encoded[2]).not.toBeInstanceOf(EncodedAggregate)
  })

  it('still applies the size limit: an oversized reply becomes one error', () => {
    const replies: Reply[] = []
    const decoder = new RespDecoder((reply) => replies.push(reply), { maxDepth: 128, maxBytes: 10_000, encodeFrom: 10 })
    decoder.push(Buffer.from(wire, 'latin1'))
    expect(replies[0]).toEqual({ t: 'err', s: expect.stringContaining('larger than') })
    expect(replies[1]).toEqual({ t: 'str', s: 'OK' })
  })

  it('still applies the depth limit inside a reply kept as text', () => {
    const depth = 3000
    const deep = `*2000\r\n${'*1\r\n'.repeat(depth)}:1\r\n${':2\r\n'.repeat(1999)}+OK\r\n`
    const replies = decode(deep, 1024, 1500)
    expect(replies[0]).toEqual({ t: 'err', s: expect.stringContaining(`nested more than ${REPLY_LIMITS.maxDepth} levels`) })
    expect(replies[1]).toEqual({ t: 'str', s: 'OK' })
  })
})
