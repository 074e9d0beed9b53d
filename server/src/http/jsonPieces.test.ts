import { describe, expect, it } from 'vitest'
import { PIECE_WEIGHT, jsonPieces, weight } from './jsonPieces.ts'

const bulk = (s: string) => ({ t: 'bulk', s })

describe('jsonPieces', () => {
  const cases: [string, unknown][] = [
    ['a small message', { type: 'pong', t: 1 }],
    [
      'a reply of 200,000 elements',
      { type: 'replies', list: [{ id: 1, replies: [{ t: 'arr', a: Array.from({ length: 200_000 }, (_, i) => bulk(`k:${i}`)) }], ms: 3 }] },
    ],
    [
      'large aggregates nested in small ones',
      { t: 'arr', a: [{ t: 'arr', a: Array.from({ length: 5000 }, (_, i) => bulk(String(i))) }, bulk('x'), { t: 'nil' }] },
    ],
    ['a long string with bytes JSON escapes', { s: '\x00"\\\n\xff'.repeat(100_000) }],
    [
      'undefined properties and array holes',
      { a: undefined, b: [undefined, 1, () => 1, null], c: Array.from({ length: 4000 }, () => undefined) },
    ],
  ]
  it.each(cases)('%s: the pieces join to exactly JSON.stringify', (_, value) => {
    expect([...jsonPieces(value)].join('')).toBe(JSON.stringify(value))
  })

  it('cuts a large value into many bounded pieces', () => {
    const value = { t: 'arr', a: Array.from({ length: 100_000 }, (_, i) => bulk(`k:${i}`)) }
    const pieces = [...jsonPieces(value)]
    expect(pieces.length).toBeGreaterThan(50)
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThan(PIECE_WEIGHT * 64)
  })

  it('weighs lazily: it stops counting at the cap', () => {
    expect(weight({ a: Array.from({ length: 1_000_000 }, () => 1) }, 100)).toBe(100)
  })
})
