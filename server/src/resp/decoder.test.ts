import { describe, expect, it } from 'vitest'
import type { Reply } from '../../../common/protocol/index.ts'
import { REPLY_LIMITS, RespDecoder, RespProtocolError, encodeCommand } from './decoder.ts'

function decodeAll(...chunks: (string | Buffer)[]): Reply[] {
  const replies: Reply[] = []
  const decoder = new RespDecoder((reply) => replies.push(reply))
  for (const chunk of chunks) decoder.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk)
  return replies
}

describe('RespDecoder', () => {
  it('turns a reply nested deeper than the limit into one error, and stays in step for the next reply', () => {
    const depth = 3000
    const deep = '*1\r\n'.repeat(depth) + '$1\r\nx\r\n'
    // Split in awkward places, as TCP may.
    const replies = decodeAll(deep.slice(0, 7777), deep.slice(7777), '+OK\r\n')
    expect(replies).toEqual([
      { t: 'err', s: expect.stringContaining(`nested more than ${REPLY_LIMITS.maxDepth} levels`) },
      { t: 'str', s: 'OK' },
    ])
    // Exactly at the limit is still shown.
    const fits = decodeAll('*1\r\n'.repeat(REPLY_LIMITS.maxDepth) + ':1\r\n')[0]!
    expect(fits.t).toBe('arr')
    expect(JSON.stringify(fits).length).toBeGreaterThan(0)
  })

  it('turns a reply larger than the limit into one error without keeping its payload', () => {
    const replies: Reply[] = []
    const decoder = new RespDecoder((reply) => replies.push(reply), { maxDepth: 128, maxBytes: 1000 })
    const big = 'z'.repeat(600)
    decoder.push(Buffer.from(`*3\r\n$600\r\n${big}\r\n$600\r\n${big}\r\n:1\r\n$3\r\nabc\r\n`, 'latin1'))
    expect(replies).toEqual([
      { t: 'err', s: expect.stringContaining('larger than 1000 bytes') },
      { t: 'bulk', s: 'abc' },
    ])
    // Many small elements count too.
    replies.length = 0
    decoder.push(Buffer.from(`*100\r\n${':1\r\n'.repeat(100)}`, 'latin1'))
    expect(replies).toEqual([{ t: 'err', s: expect.stringContaining('larger than') }])
  })

  it('keeps simple strings apart from bulk strings', () => {
    expect(decodeAll('+OK\r\n$2\r\nOK\r\n')).toEqual([
      { t: 'str', s: 'OK' },
      { t: 'bulk', s: 'OK' },
    ])
  })

  it('keeps integers beyond 2^53 exact', () => {
    expect(decodeAll(':9007199254740993\r\n:-42\r\n')).toEqual([
      { t: 'int', n: '9007199254740993' },
      { t: 'int', n: '-42' },
    ])
  })

  it('decodes nils, errors and empty aggregates', () => {
    expect(decodeAll('$-1\r\n*-1\r\n-ERR bad\r\n*0\r\n$0\r\n\r\n')).toEqual([
      { t: 'nil' },
      { t: 'nil' },
      { t: 'err', s: 'ERR bad' },
      { t: 'arr', a: [] },
      { t: 'bulk', s: '' },
    ])
  })

  it('decodes nested arrays (HSCAN shape)', () => {
    expect(decodeAll('*2\r\n$1\r\n0\r\n*2\r\n$2\r\nf1\r\n$2\r\nv1\r\n')).toEqual([
      {
        t: 'arr',
        a: [
          { t: 'bulk', s: '0' },
          {
            t: 'arr',
            a: [
              { t: 'bulk', s: 'f1' },
              { t: 'bulk', s: 'v1' },
            ],
          },
        ],
      },
    ])
  })

  it('keeps every byte of a bulk string, including NUL, CR, LF and invalid UTF-8', () => {
    const payload = Buffer.from([0x61, 0x00, 0xff, 0x0d, 0x0a, 0xc3, 0xa9])
    const [reply] = decodeAll(Buffer.concat([Buffer.from('$7\r\n'), payload, Buffer.from('\r\n')]))
    expect(reply).toEqual({ t: 'bulk', s: 'a\x00\xff\r\n\xc3\xa9' })
  })

  it('produces the same replies however the bytes are split', () => {
    const wire = '*3\r\n$5\r\nhello\r\n:12\r\n*1\r\n+nested\r\n$3\r\nend\r\n'
    const whole = decodeAll(wire)
    for (let size = 1; size <= 7; size++) {
      const chunks: string[] = []
      for (let i = 0; i < wire.length; i += size) chunks.push(wire.slice(i, i + size))
      expect(decodeAll(...chunks)).toEqual(whole)
    }
  })

  it('assembles a large bulk string sent in many chunks', () => {
    const value = 'x'.repeat(1_000_000)
    const wire = Buffer.from(`$${value.length}\r\n${value}\r\n`, 'latin1')
    const chunks: Buffer[] = []
    for (let i = 0; i < wire.length; i += 65_536) chunks.push(wire.subarray(i, i + 65_536))
    const [reply] = decodeAll(...chunks)
    expect(reply).toEqual({ t: 'bulk', s: value })
  })

  it('decodes RESP3 types', () => {
    expect(
      decodeAll(
        '%1\r\n+a\r\n,1.5\r\n~1\r\n#t\r\n_\r\n(123456789012345678901234567890\r\n=15\r\ntxt:Some string\r\n>2\r\n+message\r\n+x\r\n'
      )
    ).toEqual([
      {
        t: 'map',
        a: [
          { t: 'str', s: 'a' },
          { t: 'double', s: '1.5' },
        ],
      },
      { t: 'set', a: [{ t: 'bool', b: true }] },
      { t: 'nil' },
      { t: 'big', n: '123456789012345678901234567890' },
      { t: 'verb', f: 'txt', s: 'Some string' },
      {
        t: 'push',
        a: [
          { t: 'str', s: 'message' },
          { t: 'str', s: 'x' },
        ],
      },
    ])
  })

  it('skips RESP3 attributes without counting them as elements', () => {
    expect(decodeAll('*2\r\n|1\r\n+key\r\n+val\r\n:1\r\n:2\r\n')).toEqual([
      {
        t: 'arr',
        a: [
          { t: 'int', n: '1' },
          { t: 'int', n: '2' },
        ],
      },
    ])
  })

  it('rejects bytes that are not RESP', () => {
    expect(() => decodeAll('?what\r\n')).toThrow(RespProtocolError)
    expect(() => decodeAll('$3\r\nabcd\r\n')).toThrow(RespProtocolError)
  })
})

describe('encodeCommand', () => {
  it('encodes byte strings as RESP bulk strings', () => {
    expect(encodeCommand(['SET', 'k\x00', '\xff']).toString('latin1')).toBe('*3\r\n$3\r\nSET\r\n$2\r\nk\x00\r\n$1\r\n\xff\r\n')
  })
})
