import { describe, expect, it } from 'vitest'
import type { Reply } from '../../../common/protocol/index.ts'
import { parseCommandDocs } from './commandDocs.ts'

const b = (s: string): Reply => ({ t: 'bulk', s })
const st = (s: string): Reply => ({ t: 'str', s })
const arr = (...a: Reply[]): Reply => ({ t: 'arr', a })

/** A COMMAND DOCS reply in RESP2 shape: flat key/value arrays, flags as simple strings. */
const reply = arr(
  b('hset'),
  arr(
    b('summary'),
    b('Creates or modifies the value of a field in a hash.'),
    b('since'),
    b('2.0.0'),
    b('group'),
    b('hash'),
    b('complexity'),
    b('O(1)'),
    b('arguments'),
    arr(
      arr(b('name'), b('key'), b('type'), b('key'), b('display_text'), b('key')),
      arr(
        b('name'),
        b('data'),
        b('type'),
        b('block'),
        b('flags'),
        arr(st('multiple')),
        b('arguments'),
        arr(arr(b('name'), b('field'), b('type'), b('string')), arr(b('name'), b('value'), b('type'), b('string')))
      )
    )
  ),
  b('client'),
  arr(
    b('summary'),
    b('A container for client connection commands.'),
    b('since'),
    b('2.4.0'),
    b('group'),
    b('connection'),
    b('subcommands'),
    arr(
      b('client|kill'),
      arr(
        b('summary'),
        b('Terminates open connections.'),
        b('group'),
        b('connection'),
        b('arguments'),
        arr(arr(b('name'), b('ip:port'), b('type'), b('string'), b('flags'), arr(st('optional'), st('multiple_token'))))
      )
    )
  ),
  b('dbsize'),
  arr(b('summary'), b('Returns the number of keys in the database.'), b('since'), b('1.0.0'), b('group'), b('server'))
)

describe('parseCommandDocs', () => {
  const entries = parseCommandDocs(reply)

  it('makes one entry per command and subcommand, sorted by full name', () => {
    expect(entries.map((entry) => entry.words.join(' '))).toEqual(['CLIENT', 'CLIENT KILL', 'DBSIZE', 'HSET'])
  })

  it('keeps the argument tree with its flags', () => {
    const hset = entries.find((entry) => entry.words[0] === 'HSET')!
    expect(hset.args).toEqual([
      { name: 'key', type: 'key', displayText: 'key' },
      {
        name: 'data',
        type: 'block',
        multiple: true,
        args: [
          { name: 'field', type: 'string' },
          { name: 'value', type: 'string' },
        ],
      },
    ])
    expect(entries.find((entry) => entry.words[1] === 'KILL')!.args![0]).toEqual({
      name: 'ip:port',
      type: 'string',
      optional: true,
      multipleToken: true,
    })
  })

  it('tells a command without arguments (args null) apart, and keeps missing fields null', () => {
    const dbsize = entries.find((entry) => entry.words[0] === 'DBSIZE')!
    expect(dbsize.args).toBeNull()
    expect(entries.find((entry) => entry.words[1] === 'KILL')!.since).toBeNull()
  })

  it('survives replies of the wrong shape', () => {
    expect(parseCommandDocs({ t: 'err', s: 'ERR nope' })).toEqual([])
    expect(parseCommandDocs(arr(b('x'), b('not a map')))).toEqual([{ words: ['X'], summary: null, since: null, group: null, args: null }])
  })
})
