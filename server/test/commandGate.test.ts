/**
 * Inspect mode's gate (issue 14) against the real server's own command table: what read-only
 * refuses and what --write still refuses, judged from `COMMAND` as this Valkey (9 or 8) answers it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Playground } from '../src/app.ts'
import { gate, parseCommandTable, type CommandTable } from '../src/ownValkey/commandGate.ts'
import { readOnlyDiagnostics } from '../src/ownValkey/diagnostics.ts'
import { startTestPlayground } from './helpers.ts'

let playground: Playground
let table: CommandTable

beforeAll(async () => {
  playground = await startTestPlayground({ maxSandboxes: 2 })
  table = parseCommandTable(await playground.admin.call('command'))
})

afterAll(async () => {
  await playground?.close()
})

const readOnly = { write: false, dangerous: false, keysUpTo: 10_000 }
const writes = { write: true, dangerous: false, keysUpTo: 10_000 }
const line = (text: string) => text.split(' ')

describe('the gate on the live command table', () => {
  it('knows every command and subcommand the server has', () => {
    expect(table.size).toBeGreaterThan(200)
    for (const name of ['get', 'hgetall', 'config|get', 'object|encoding', 'client|kill', 'eval_ro']) expect(table.has(name)).toBe(true)
  })

  it.each([
    'GET k',
    'HGETALL k',
    'HSCAN k 0',
    'SCAN 0 MATCH * COUNT 100',
    'TYPE k',
    'TTL k',
    'PTTL k',
    'MEMORY USAGE k',
    'OBJECT ENCODING k',
    'INFO keyspace',
    'DBSIZE',
    'SELECT 1',
    'PING',
    'MULTI',
    'EXEC',
    'EVAL_RO return 1 0',
    'SUBSCRIBE c',
  ])('read-only lets %s through', (command) => {
    expect(gate(table, line(command), readOnly)).toBeNull()
  })

  it.each([
    'SET k v',
    'HSET k f v',
    'DEL k',
    'EXPIRE k 10',
    'PERSIST k',
    'FLUSHDB',
    'FLUSHALL',
    'SWAPDB 0 1',
    'MOVE k 1',
    'CONFIG SET maxmemory 1gb',
    'CLIENT KILL ID 1',
    'SLOWLOG RESET',
    'ACL LOG RESET',
    'SHUTDOWN NOSAVE',
    'DEBUG SLEEP 0',
    'EVAL return 1 0',
    'FCALL f 0',
    'SCRIPT FLUSH',
    'FUNCTION DELETE lib',
    'ACL SETUSER someone on',
  ])('read-only refuses %s', (command) => {
    expect(gate(table, line(command), readOnly)).toMatch(/^ERR .* is refused: this inspector is read-only/)
  })

  it.each(['CONFIG GET maxmemory', 'CLIENT LIST', 'CLIENT INFO', 'SLOWLOG GET 10', 'LATENCY LATEST', 'MEMORY STATS', 'INFO', 'ACL WHOAMI'])(
    'read-only runs the diagnostic %s',
    (command) => {
      expect(gate(table, line(command), readOnly)).toBeNull()
    }
  )

  it('no listed diagnostic is one the server flags as writing', () => {
    const known = readOnlyDiagnostics().filter((name) => table.has(name))
    // Most of the list exists on this server (CLUSTER and COMMANDLOG may not).
    expect(known.length).toBeGreaterThan(30)
    expect(known.filter((name) => table.get(name)!.flags.has('write'))).toEqual([])
  })

  it('--write lets writes through but not what can empty or stop the server, nor KEYS on a large database', () => {
    for (const command of ['SET k v', 'HSET k f v', 'CONFIG SET maxmemory 1gb', 'EVAL return 1 0', 'EXPIRE k 10']) {
      expect(gate(table, line(command), writes)).toBeNull()
    }
    for (const command of ['FLUSHDB', 'FLUSHALL ASYNC', 'SHUTDOWN NOSAVE', 'DEBUG SLEEP 0']) {
      expect(gate(table, line(command), writes)).toMatch(/refused even with --write/)
    }
    expect(gate(table, line('KEYS *'), writes, 1_000_000)).toMatch(/Use SCAN/)
    expect(gate(table, line('KEYS *'), writes, 50)).toBeNull()
  })
})
