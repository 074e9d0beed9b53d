import { describe, expect, it } from 'vitest'
import { gate, needsDatabaseSize, parseCommandTable } from './commandGate.ts'

/** The shape `COMMAND` answers with: name, arity, flags, first/last/step, categories, tips, key specs, subcommands. */
const entry = (name: string, flags: string[], categories: string[], subcommands: unknown[] = []) => [
  name,
  -1,
  flags,
  0,
  0,
  0,
  categories,
  [],
  [],
  subcommands,
]

const table = parseCommandTable([
  entry('get', ['readonly', 'fast'], ['@read', '@string', '@fast']),
  entry('hset', ['write', 'denyoom', 'fast'], ['@write', '@hash', '@fast']),
  entry(
    'config',
    [],
    ['@slow'],
    [entry('config|get', ['admin', 'noscript'], ['@admin']), entry('config|set', ['admin', 'noscript'], ['@admin'])]
  ),
  entry(
    'client',
    [],
    ['@slow'],
    [
      entry('client|list', ['admin', 'noscript'], ['@admin', '@dangerous']),
      entry('client|kill', ['admin', 'noscript'], ['@admin', '@dangerous']),
      entry('client|help', ['loading', 'stale'], ['@slow']),
    ]
  ),
  entry('slowlog', [], ['@slow'], [entry('slowlog|get', ['admin'], ['@admin']), entry('slowlog|reset', ['admin'], ['@admin'])]),
  entry('acl', [], ['@slow'], [entry('acl|log', ['admin'], ['@admin']), entry('acl|setuser', ['admin'], ['@admin'])]),
  entry('function', [], ['@slow'], [entry('function|list', ['noscript'], ['@slow', '@scripting'])]),
  entry('object', [], ['@slow'], [entry('object|encoding', ['readonly'], ['@read'])]),
  entry('eval', ['noscript', 'stale'], ['@slow', '@scripting']),
  entry('eval_ro', ['readonly', 'noscript'], ['@slow', '@scripting']),
  entry('flushdb', ['write'], ['@write', '@dangerous']),
  entry('shutdown', ['admin', 'noscript'], ['@admin']),
  entry('keys', ['readonly'], ['@read', '@dangerous']),
  entry('info', ['loading', 'stale'], ['@slow', '@dangerous']),
  entry('multi', ['noscript', 'fast'], ['@fast']),
  [Buffer.from('publish'), 3, [Buffer.from('pubsub')], 0, 0, 0, [Buffer.from('@pubsub')], [], [], []],
])

const readOnly = { write: false, dangerous: false, keysUpTo: 10_000 }
const writes = { write: true, dangerous: false, keysUpTo: 10_000 }
const everything = { write: true, dangerous: true, keysUpTo: 10_000 }

describe('parseCommandTable', () => {
  it('reads commands and their subcommands, names lower-cased, bytes or strings', () => {
    expect([...table.keys()].sort()).toContain('config|get')
    expect(table.get('publish')!.flags.has('pubsub')).toBe(true)
    expect(parseCommandTable('junk').size).toBe(0)
    expect(parseCommandTable([null, [42], ['x']]).size).toBe(1)
  })
})

describe('gate', () => {
  it('refuses writes, admin commands and scripts that may write in read-only mode, by their flags', () => {
    expect(gate(table, ['GET', 'k'], readOnly)).toBeNull()
    expect(gate(table, ['OBJECT', 'ENCODING', 'k'], readOnly)).toBeNull()
    expect(gate(table, ['EVAL_RO', 'return 1', '0'], readOnly)).toBeNull()
    expect(gate(table, ['INFO'], readOnly)).toBeNull()
    expect(gate(table, ['MULTI'], readOnly)).toBeNull()
    expect(gate(table, ['PUBLISH', 'c', 'm'], readOnly)).toBeNull()
    expect(gate(table, ['hset', 'k', 'f', 'v'], readOnly)).toMatch(/^ERR HSET is refused: this inspector is read-only and it writes/)
    expect(gate(table, ['config', 'set', 'maxmemory', '1'], readOnly)).toBe(
      'ERR CONFIG SET is refused: this inspector is read-only and CONFIG SET changes or controls the server (allowed: CONFIG GET). Start it with --write to allow changes.'
    )
    expect(gate(table, ['SHUTDOWN'], readOnly)).toMatch(/and SHUTDOWN changes or controls the server\. Start it/)
    expect(gate(table, ['EVAL', "return redis.call('SET','k','v')", '0'], readOnly)).toMatch(/a script may write/)
    expect(gate(table, ['NOSUCHCOMMAND'], readOnly)).toBeNull()
  })

  it('lets the read-only subcommands of administrative commands through, and names them when refusing the rest', () => {
    for (const line of [
      ['CONFIG', 'GET', 'maxmemory'],
      ['client', 'list'],
      ['CLIENT', 'HELP'],
      ['SLOWLOG', 'GET', '10'],
      ['ACL', 'LOG'],
      ['ACL', 'LOG', '5'],
      ['FUNCTION', 'LIST'],
    ]) {
      expect([line, gate(table, line, readOnly)]).toEqual([line, null])
    }
    expect(gate(table, ['CLIENT', 'KILL', 'ID', '1'], readOnly)).toMatch(
      /CLIENT KILL changes or controls the server \(allowed: CLIENT LIST, CLIENT INFO/
    )
    expect(gate(table, ['SLOWLOG', 'RESET'], readOnly)).toMatch(/SLOWLOG RESET changes .* \(allowed: SLOWLOG GET, SLOWLOG LEN\)/)
    // An argument can make a listed subcommand change something.
    expect(gate(table, ['ACL', 'LOG', 'RESET'], readOnly)).toMatch(/^ERR ACL LOG is refused/)
    expect(gate(table, ['ACL', 'SETUSER', 'x', 'on'], readOnly)).toMatch(/ACL SETUSER changes/)
  })

  it('with --write allows changes but not what can take the server down, unless that too is allowed', () => {
    expect(gate(table, ['HSET', 'k', 'f', 'v'], writes)).toBeNull()
    expect(gate(table, ['CONFIG', 'SET', 'maxmemory', '1gb'], writes)).toBeNull()
    expect(gate(table, ['FLUSHDB'], writes)).toMatch(/refused even with --write/)
    expect(gate(table, ['SHUTDOWN', 'NOSAVE'], writes)).toMatch(/--dangerous/)
    expect(gate(table, ['FLUSHDB'], everything)).toBeNull()
    // Read-only refuses them as writes or admin first.
    expect(gate(table, ['FLUSHDB'], readOnly)).toMatch(/read-only and it writes/)
  })

  it('refuses KEYS on a large database (suggesting SCAN), in either mode', () => {
    expect(needsDatabaseSize(['keys', '*'], readOnly)).toBe(true)
    expect(needsDatabaseSize(['keys', '*'], everything)).toBe(false)
    expect(needsDatabaseSize(['GET', 'k'], readOnly)).toBe(false)
    expect(gate(table, ['KEYS', '*'], readOnly, 10_000)).toBeNull()
    expect(gate(table, ['KEYS', '*'], readOnly, 10_001)).toMatch(/KEYS is refused on a database of 10001 keys.*SCAN 0 MATCH/)
    expect(gate(table, ['KEYS', '*'], everything, 1_000_000)).toBeNull()
  })
})
