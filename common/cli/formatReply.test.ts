/**
 * Formatting against outputs recorded from real valkey-cli 8.0.1/9.1.2 (the
 * differential test checks the same end to end, on every run).
 */
import { describe, expect, it } from 'vitest'
import type { Reply } from '../protocol/index.ts'
import { escapeBulk, formatRawReply, formatReply, isRawOutputCommand } from './formatReply.ts'

const bulk = (s: string): Reply => ({ t: 'bulk', s })
const int = (n: number): Reply => ({ t: 'int', n: String(n) })
const arr = (...a: Reply[]): Reply => ({ t: 'arr', a })

describe('formatReply', () => {
  it('prints scalars like valkey-cli', () => {
    expect(formatReply({ t: 'str', s: 'OK' })).toBe('OK\n')
    expect(formatReply(bulk('OK'))).toBe('"OK"\n')
    expect(formatReply(int(-1))).toBe('(integer) -1\n')
    expect(formatReply({ t: 'int', n: '9007199254740993' })).toBe('(integer) 9007199254740993\n')
    expect(formatReply({ t: 'nil' })).toBe('(nil)\n')
    expect(formatReply({ t: 'err', s: "ERR unknown command 'foo', with args beginning with: " })).toBe(
      "(error) ERR unknown command 'foo', with args beginning with: \n"
    )
    expect(formatReply({ t: 'double', s: '1.5' })).toBe('(double) 1.5\n')
    expect(formatReply({ t: 'bool', b: true })).toBe('(true)\n')
    expect(formatReply({ t: 'verb', f: 'txt', s: 'line one\nline two' })).toBe('line one\nline two\n')
  })

  it('escapes bulk strings like sdscatrepr in the C locale', () => {
    expect(escapeBulk('a\x00b\x01\xff\t"\\')).toBe('"a\\x00b\\x01\\xff\\t\\"\\\\"')
    expect(escapeBulk('h\xc3\xa9llo')).toBe('"h\\xc3\\xa9llo"')
    expect(escapeBulk('\x07\x08\x0b\x0c\x7f\r\n')).toBe('"\\a\\b\\x0b\\x0c\\x7f\\r\\n"')
  })

  it('right-aligns indices by the width of the count', () => {
    const twelve = arr(...Array.from({ length: 12 }, (_, i) => bulk(String(i + 1))))
    const lines = formatReply(twelve).split('\n')
    expect(lines[0]).toBe(' 1) "1"')
    expect(lines[11]).toBe('12) "12"')
  })

  it('nests arrays with the parent index on the first line (HSCAN, XRANGE)', () => {
    expect(formatReply(arr(bulk('0'), arr(bulk('f1'), bulk('v1'))))).toBe('1) "0"\n2) 1) "f1"\n   2) "v1"\n')
    expect(formatReply(arr(arr(bulk('1-1'), arr(bulk('a'), bulk('1')))))).toBe('1) 1) "1-1"\n   2) 1) "a"\n      2) "1"\n')
  })

  it('prints an EXEC with an error inside, and empty aggregates', () => {
    expect(formatReply(arr({ t: 'err', s: 'ERR value is not an integer or out of range' }, { t: 'str', s: 'OK' }))).toBe(
      '1) (error) ERR value is not an integer or out of range\n2) OK\n'
    )
    expect(formatReply(arr())).toBe('(empty array)\n')
    expect(formatReply({ t: 'map', a: [] })).toBe('(empty hash)\n')
    expect(formatReply({ t: 'set', a: [] })).toBe('(empty set)\n')
  })

  it('prints RESP3 maps and sets as valkey-cli -3 does', () => {
    expect(formatReply({ t: 'map', a: [bulk('f1'), bulk('v1'), bulk('f2'), bulk('v2')] })).toBe('1# "f1" => "v1"\n2# "f2" => "v2"\n')
    expect(formatReply({ t: 'set', a: [bulk('a')] })).toBe('1~ "a"\n')
    expect(
      formatReply({
        t: 'map',
        a: [
          bulk('flags'),
          {
            t: 'set',
            a: [
              { t: 'str', s: 'RO' },
              { t: 'str', s: 'access' },
            ],
          },
        ],
      })
    ).toBe('1# "flags" => \n   1~ RO\n   2~ access\n')
  })

  it('writes INFO and CLIENT INFO raw, without adding a newline', () => {
    expect(isRawOutputCommand(['info'])).toBe(true)
    expect(isRawOutputCommand(['CLIENT', 'INFO'])).toBe(true)
    expect(isRawOutputCommand(['LATENCY', 'GRAPH'])).toBe(false)
    expect(isRawOutputCommand(['latency', 'graph', 'cmd'])).toBe(true)
    expect(isRawOutputCommand(['HGETALL', 'h'])).toBe(false)
    expect(formatRawReply(bulk('# Server\r\nvalkey_version:9.1.2\r\n'))).toBe('# Server\r\nvalkey_version:9.1.2\r\n')
  })
})
