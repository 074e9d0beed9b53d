import { describe, expect, it } from 'vitest'
import { commandInfoKnows, docsListToken } from './commandTokens.ts'

/** The shape of COMMAND DOCS HSETEX on Valkey 9.1.2 over RESP2, trimmed to the arguments. */
const hsetexDocs = [
  'hsetex',
  [
    'summary',
    'Sets the value of one or more fields of a given hash key, and optionally sets their expiration time.',
    'since',
    '9.0.0',
    'arguments',
    [
      ['name', 'key', 'type', 'key', 'display_text', 'key', 'key_spec_index', 0],
      ['name', 'key-condition', 'type', 'oneof', 'flags', ['optional'], 'arguments', [['name', 'nx', 'type', 'pure-token', 'token', 'NX']]],
      [
        'name',
        'fields-condition',
        'type',
        'oneof',
        'flags',
        ['optional'],
        'arguments',
        [
          ['name', 'fnx', 'type', 'pure-token', 'display_text', 'fnx', 'token', 'FNX'],
          ['name', 'fxx', 'type', 'pure-token', 'display_text', 'fxx', 'token', 'FXX'],
        ],
      ],
    ],
  ],
]

describe('docsListToken', () => {
  it('finds an option nested in a oneof, in any case', () => {
    expect(docsListToken(hsetexDocs, 'FNX')).toBe(true)
    expect(docsListToken(hsetexDocs, 'fxx')).toBe(true)
    expect(docsListToken(hsetexDocs, 'NX')).toBe(true)
  })

  it('does not take a name or summary for a token', () => {
    expect(docsListToken(hsetexDocs, 'KEEPTTL')).toBe(false)
    // 'fnx' is also an argument's name; only a token counts.
    const withoutToken = ['hsetex', ['arguments', [['name', 'fnx', 'type', 'pure-token']]]]
    expect(docsListToken(withoutToken, 'FNX')).toBe(false)
  })

  it('answers false for an unknown command and for replies of another shape', () => {
    expect(docsListToken([], 'FNX')).toBe(false)
    expect(docsListToken(null, 'FNX')).toBe(false)
    expect(docsListToken('token', 'FNX')).toBe(false)
    let deep: unknown[] = ['token', 'FNX']
    for (let i = 0; i < 100; i++) deep = [deep]
    expect(docsListToken(deep, 'FNX')).toBe(false)
  })
})

describe('commandInfoKnows', () => {
  it('tells a known command from an unknown one', () => {
    expect(commandInfoKnows([['hgetdel', -5, ['write', 'fast'], 1, 1, 1]])).toBe(true)
    expect(commandInfoKnows([null])).toBe(false)
    expect(commandInfoKnows(null)).toBe(false)
  })
})
